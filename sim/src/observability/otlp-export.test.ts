/** `--otlp-traces-endpoint`: spans leave the process over OTLP/HTTP to `<endpoint>/v1/traces`. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../simulator.ts';
import { otlpTracesUrl } from './tracing.ts';

describe('OTLP export', () => {
  it('appends /v1/traces to a bare origin and keeps an explicit path', () => {
    expect(otlpTracesUrl('http://jaeger:4318')).toBe('http://jaeger:4318/v1/traces');
    expect(otlpTracesUrl('http://collector:4318/v1/traces')).toBe('http://collector:4318/v1/traces');
  });

  it('posts the llm_request span to the collector, flushed on close', async () => {
    const bodies: { path: string; body: string }[] = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString('latin1');
      });
      req.on('end', () => {
        bodies.push({ path: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    const sim = await startSimulator({ servedModelName: 'm', timeScale: 50, otlpTracesEndpoint: endpoint });
    try {
      const res = await fetch(`${sim.url}/v1/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'm', prompt: 'hello', max_tokens: 3 }),
      });
      expect(res.status).toBe(200);
    } finally {
      await sim.close();
      collector.close();
    }
    expect(bodies.map((b) => b.path)).toContain('/v1/traces');
    expect(bodies.some((b) => b.body.includes('llm_request'))).toBe(true);
  });
});
