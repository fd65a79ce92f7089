// deploy: renders the Switchyard chart with `helm template` and hands back the objects, each with the
// template file it came from, so tests assert on objects instead of text.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBERNETES_VERSION } from '@switchyard/testkit';
import { parse, stringify } from 'yaml';
import { CHART_DIR } from './paths.ts';
import { helm, type RunResult, requireTool, run } from './tools.ts';

/** A rendered Kubernetes object. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary manifests
  [key: string]: any;
}

/** One object and the chart template that produced it (`templates/deployment-gateway.yaml`). */
export interface RenderedEntry {
  template: string;
  object: RenderedObject;
}

/**
 * Kubernetes version for offline renders and lint: helm built from source falls back to 1.20 otherwise,
 * which the chart's kubeVersion refuses. The testkit API server's version, so both agree.
 */
export const KUBE_VERSION = KUBERNETES_VERSION.replace(/^v/, '');

/**
 * Values every render needs: one API key (the chart refuses a gateway nobody can call) and the registry
 * the operator resolves versions in.
 */
export const BASE_VALUES = {
  registry: { bucket: 'acme-switchyard-registry', table: 'switchyard-registry' },
  gateway: {
    auth: {
      keys: [
        {
          id: 'ci',
          sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
          tenant: 'ci',
        },
      ],
    },
  },
};

/** Options of {@link helmTemplate}. */
export interface TemplateOptions {
  /** Values documents, later ones win (each written to its own `-f` file). */
  values?: unknown[];
  release?: string;
  namespace?: string;
  /** Extra helm arguments. */
  args?: string[];
}

/** Writes values documents to temp files and returns `-f` arguments plus a cleanup. */
export function valuesArgs(values: unknown[]): { args: string[]; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-values-'));
  const args = values.flatMap((doc, i) => {
    const file = join(dir, `values-${i}.yaml`);
    writeFileSync(file, stringify(doc));
    return ['-f', file];
  });
  return { args, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `helm template`, returning the raw result (for tests that expect a failure). */
export async function helmTemplateRaw(options: TemplateOptions = {}): Promise<RunResult> {
  const binary = requireTool(helm());
  const { args, cleanup } = valuesArgs(options.values ?? [BASE_VALUES]);
  try {
    return await run(binary, [
      'template',
      options.release ?? 'switchyard',
      CHART_DIR,
      '--namespace',
      options.namespace ?? 'switchyard',
      '--kube-version',
      KUBE_VERSION,
      ...args,
      ...(options.args ?? []),
    ]);
  } finally {
    cleanup();
  }
}

/** Renders the chart; throws with helm's message when it refuses. */
export async function helmTemplate(options: TemplateOptions = {}): Promise<RenderedEntry[]> {
  const result = await helmTemplateRaw(options);
  if (result.code !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return parseRendered(result.stdout);
}

/** Splits `helm template` output into objects, keeping each one's `# Source:` template. */
export function parseRendered(text: string): RenderedEntry[] {
  const entries: RenderedEntry[] = [];
  for (const chunk of text.split(/^---$/m)) {
    const object = parse(chunk) as RenderedObject | null;
    if (!object) continue;
    const source = /^# Source: [^/]+\/(\S+)/m.exec(chunk);
    entries.push({ template: source?.[1] ?? '', object });
  }
  return entries;
}

/** The one object of `kind` named `name`; throws listing what there is when it is missing. */
export function pick(
  entries: RenderedEntry[],
  kind: string,
  name: string,
  namespace?: string,
): RenderedObject {
  const found = entries.find(
    (e) =>
      e.object.kind === kind &&
      e.object.metadata.name === name &&
      (namespace === undefined || e.object.metadata.namespace === namespace),
  );
  if (!found) {
    const have = entries.map((e) => `${e.object.kind}/${e.object.metadata.name}`).join(', ');
    throw new Error(`no ${kind}/${name} rendered; have: ${have}`);
  }
  return found.object;
}

/** Every object of `kind`. */
export function all(entries: RenderedEntry[], kind: string): RenderedObject[] {
  return entries.filter((e) => e.object.kind === kind).map((e) => e.object);
}
