// deploy: small readers over rendered chart objects, shared by the chart tests.

import { parse } from 'yaml';
import { pick, type RenderedEntry, type RenderedObject } from './chart.ts';

/** A container's environment as name → value ('(from field)' for valueFrom). */
export function containerEnv(deployment: RenderedObject): Record<string, string> {
  const container = deployment.spec.template.spec.containers[0];
  return Object.fromEntries(
    (container.env as { name: string; value?: string }[]).map((e) => [e.name, e.value ?? '(from field)']),
  );
}

/** The gateway config file the chart renders into `<release>-gateway-config`, parsed. */
export function renderedGatewayConfig(entries: RenderedEntry[], release = 'switchyard'): unknown {
  const secret = pick(entries, 'Secret', `${release}-gateway-config`);
  return parse(secret.stringData['config.yaml'] as string);
}

/** Names of the ports of a Deployment's first container. */
export function portNames(deployment: RenderedObject): string[] {
  return deployment.spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name);
}
