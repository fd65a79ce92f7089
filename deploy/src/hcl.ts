// deploy: reads a Terraform module's .tf files into JSON (HashiCorp's HCL parser, as WebAssembly), so
// tests can check module interfaces and resource settings without providers.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';

/** Blocks of one kind keyed by label, each label holding the block bodies (HCL allows repeats). */
type Blocks = Record<string, Record<string, unknown>[]>;

/** A module: its folder, merged blocks and the raw text (for reference scans). */
export interface TfModule {
  dir: string;
  text: string;
  variable: Blocks;
  output: Blocks;
  locals: Record<string, unknown>[];
  module: Blocks;
  resource: Record<string, Blocks>;
  data: Record<string, Blocks>;
}

/** Parses every `.tf` file of `dir` into one {@link TfModule}. */
export async function loadModule(dir: string): Promise<TfModule> {
  const merged: TfModule = {
    dir,
    text: '',
    variable: {},
    output: {},
    locals: [],
    module: {},
    resource: {},
    data: {},
  };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tf'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    merged.text += `${text}\n`;
    const json = (await parse(file, text)) as Record<string, unknown>;
    for (const key of ['variable', 'output', 'module'] as const)
      Object.assign(merged[key], (json[key] as Blocks | undefined) ?? {});
    merged.locals.push(...((json.locals as Record<string, unknown>[] | undefined) ?? []));
    for (const key of ['resource', 'data'] as const) {
      for (const [type, blocks] of Object.entries((json[key] as Record<string, Blocks> | undefined) ?? {}))
        merged[key][type] = { ...merged[key][type], ...blocks };
    }
  }
  return merged;
}

/** The first body of resource `type.name`; throws naming it when missing. */
export function resource(mod: TfModule, type: string, name: string): Record<string, unknown> {
  const body = mod.resource[type]?.[name]?.[0];
  if (!body) throw new Error(`${mod.dir}: no resource ${type}.${name}`);
  return body;
}

/** Names referenced as `<prefix>.<name>` in the module's text (comments stripped). */
export function references(mod: TfModule, prefix: 'var' | 'local' | 'module'): string[] {
  const code = mod.text.replace(/^\s*#.*$/gm, '');
  const pattern = new RegExp(`\\b${prefix}\\.([a-zA-Z_][a-zA-Z0-9_]*)(?:\\.([a-zA-Z_][a-zA-Z0-9_]*))?`, 'g');
  return [...code.matchAll(pattern)].map((m) => (prefix === 'module' ? `${m[1]}.${m[2]}` : m[1]!));
}
