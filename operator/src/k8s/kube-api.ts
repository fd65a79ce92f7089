/**
 * The operator's view of the Kubernetes API: a handful of REST verbs and a watch. Everything above k8s/
 * talks to this interface; rest-client.ts implements it over @kubernetes/client-node's authentication.
 */
import type { KubeObject, ResourceRef } from './objects.ts';

/** A list response. */
export interface KubeList<T> {
  items: T[];
  resourceVersion: string;
}

/** One watch event. */
export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/** A running watch; `done` settles when the server or the network ends it. */
export interface WatchHandle {
  done: Promise<void>;
  stop(): void;
}

/** Query options of list and watch. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  /** Watch only: ask the server to end the watch after this long (the informer re-watches). */
  timeoutSeconds?: number;
}

/** Patch flavours the operator uses. */
export type PatchType = 'merge' | 'json';

/** The verbs the operator needs. */
export interface KubeApi {
  /** The object, or undefined on 404. */
  get<T extends KubeObject>(ref: ResourceRef & { name: string }): Promise<T | undefined>;
  list<T extends KubeObject>(ref: ResourceRef, options?: ListOptions): Promise<KubeList<T>>;
  create<T extends KubeObject>(ref: ResourceRef, body: KubeObject): Promise<T>;
  replace<T extends KubeObject>(ref: ResourceRef & { name: string }, body: KubeObject): Promise<T>;
  patch<T extends KubeObject>(
    ref: ResourceRef & { name: string },
    patch: unknown,
    options?: { type?: PatchType; subresource?: 'status' },
  ): Promise<T>;
  /** Deletes; a missing object is not an error. */
  delete(ref: ResourceRef & { name: string }): Promise<void>;
  watch<T extends KubeObject>(
    ref: ResourceRef,
    options: ListOptions,
    onEvent: (event: WatchEvent<T>) => void,
  ): Promise<WatchHandle>;
}

/** A non-2xx answer from the API server, with its HTTP status and Status reason. */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

/** True for 409 Conflict (stale resourceVersion) and AlreadyExists. */
export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409;
}

/** True for 404. */
export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404;
}

/** True for 403 (RBAC denied). */
export function isForbidden(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 403;
}
