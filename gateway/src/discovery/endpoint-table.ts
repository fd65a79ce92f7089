/**
 * The endpoint snapshot the data path reads: endpoints grouped by model, with the gateway's own
 * outstanding-request counts. Discovery sources (static file, Kubernetes watch) replace the set;
 * counts survive a replace for endpoints that stay.
 */
import type { EndpointState } from '../routing/types.ts';

/** An endpoint as a discovery source describes it. */
export interface EndpointSpec {
  id: string;
  url: string;
  model: string;
  ready?: boolean;
}

/** Listener called after the endpoint set changed. */
export type EndpointListener = () => void;

/** Holds the current endpoints; the only mutable routing state on the data path. */
export class EndpointTable {
  #byModel = new Map<string, EndpointState[]>();
  #byId = new Map<string, EndpointState>();
  #listeners = new Set<EndpointListener>();

  constructor(specs: readonly EndpointSpec[] = []) {
    this.replace(specs);
  }

  /** Replaces the whole set; endpoints that stay keep their state object (and outstanding count). */
  replace(specs: readonly EndpointSpec[]): void {
    const byModel = new Map<string, EndpointState[]>();
    const byId = new Map<string, EndpointState>();
    for (const spec of specs) {
      const url = spec.url.replace(/\/+$/, '');
      const existing = this.#byId.get(spec.id);
      const state: EndpointState = existing ?? {
        id: spec.id,
        url,
        model: spec.model,
        ready: true,
        outstanding: 0,
      };
      state.url = url;
      state.model = spec.model;
      state.ready = spec.ready ?? true;
      byId.set(spec.id, state);
      const list = byModel.get(spec.model) ?? [];
      list.push(state);
      byModel.set(spec.model, list);
    }
    this.#byModel = byModel;
    this.#byId = byId;
    for (const listener of this.#listeners) listener();
  }

  /** Endpoints serving `model` (ready or not); empty when the model is unknown. */
  forModel(model: string): readonly EndpointState[] {
    return this.#byModel.get(model) ?? [];
  }

  /** True when some endpoint (ready or not) serves `model`. */
  hasModel(model: string): boolean {
    return this.#byModel.has(model);
  }

  /** The models the gateway can serve, sorted. */
  models(): string[] {
    return [...this.#byModel.keys()].sort();
  }

  /** The endpoint with this id. */
  byId(id: string): EndpointState | undefined {
    return this.#byId.get(id);
  }

  /** The current set as specs (what a cluster primary sends its workers). */
  specs(): EndpointSpec[] {
    return [...this.#byId.values()].map((e) => ({ id: e.id, url: e.url, model: e.model, ready: e.ready }));
  }

  /** All endpoints. */
  all(): readonly EndpointState[] {
    return [...this.#byId.values()];
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: EndpointListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
