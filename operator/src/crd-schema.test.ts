// The CRD's OpenAPI schema and the zod schema in api/ describe the same spec: the same fields at every
// level and the same defaults, so the API server and the operator never disagree about a resource.
import { readFileSync } from 'node:fs';
import { modelDeploymentSpecSchema } from '@switchyard/api';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  default?: unknown;
  anyOf?: JsonSchema[];
}

const crdPath = new URL('../config/crd/modeldeployments.serving.switchyard.dev.yaml', import.meta.url);
const crd = parse(readFileSync(crdPath, 'utf8'));
const version = crd.spec.versions[0];
const crdSpec = version.schema.openAPIV3Schema.properties.spec as JsonSchema;
const zodSpec = z.toJSONSchema(modelDeploymentSpecSchema, {
  io: 'input',
  unrepresentable: 'any',
}) as JsonSchema;

/** Every `path: default` and every object path with its field names. */
function shape(
  schema: JsonSchema,
  path = 'spec',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  const s = schema.anyOf?.find((x) => x.properties) ?? schema;
  if (s.default !== undefined && !(typeof s.default === 'object')) out[`${path} default`] = s.default;
  if (s.properties) {
    out[path] = Object.keys(s.properties).sort();
    for (const [key, child] of Object.entries(s.properties)) shape(child, `${path}.${key}`, out);
  }
  if (s.items) shape(s.items, `${path}[]`, out);
  return out;
}

describe('ModelDeployment CRD', () => {
  it('has the same fields and scalar defaults as the zod schema', () => {
    expect(shape(crdSpec)).toEqual(shape(zodSpec));
  });

  it('serves v1alpha1 with a status subresource and the printer columns users look at', () => {
    expect(crd.spec.group).toBe('serving.switchyard.dev');
    expect(version.subresources).toEqual({ status: {} });
    expect(version.additionalPrinterColumns.map((c: { name: string }) => c.name)).toEqual([
      'Model',
      'Target',
      'Active',
      'Preview',
      'Ready',
      'Status',
      'Age',
    ]);
  });
});
