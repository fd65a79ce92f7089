/** Test harness: a gateway on free ports in front of given endpoints, with an in-memory span exporter. */
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { GatewayConfigInput } from '../config.ts';
import { parseConfig } from '../config.ts';
import { type RunningGateway, startGateway } from '../gateway.ts';
import { createLogger } from '../telemetry/logger.ts';

/** A gateway for tests, with the spans it produced. */
export interface TestGateway extends RunningGateway {
  spans: InMemorySpanExporter;
  logLines: string[];
  /** SDK base URL (`/v1` appended). */
  baseURL: string;
}

/** Starts a gateway on port 0 with `config` merged over a quiet local default. */
export async function startTestGateway(config: GatewayConfigInput): Promise<TestGateway> {
  const spans = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const logLines: string[] = [];
  const parsed = parseConfig({
    ...config,
    server: { port: 0, adminPort: 0, ...config.server },
    auth: config.auth ?? { mode: 'disabled' },
    logging: { level: 'info', ...config.logging },
  });
  const gateway = await startGateway(parsed, {
    tracer: provider.getTracer('test'),
    logger: createLogger(parsed.logging.level, { write: (line) => logLines.push(line) }),
  });
  return { ...gateway, spans, logLines, baseURL: `${gateway.url}/v1` };
}
