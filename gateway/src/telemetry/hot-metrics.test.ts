import { AggregatorRegistry, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HotCounter, HotGauge, HotHistogram } from './hot-metrics.ts';

const buckets = [0.001, 0.01, 0.1, 1, 10];

/** The same updates through prom-client's own classes and through the hot ones. */
function both() {
  const theirs = new Registry();
  const ours = new Registry();
  const c1 = new Counter({
    name: 'req_total',
    help: 'h',
    labelNames: ['model', 'status'],
    registers: [theirs],
  });
  const c2 = new HotCounter({
    name: 'req_total',
    help: 'h',
    labelNames: ['model', 'status'],
    registers: [ours],
  });
  const g1 = new Gauge({ name: 'active', help: 'h', labelNames: ['model'], registers: [theirs] });
  const g2 = new HotGauge({ name: 'active', help: 'h', labelNames: ['model'], registers: [ours] });
  const h1 = new Histogram({ name: 'dur', help: 'h', labelNames: ['model'], buckets, registers: [theirs] });
  const h2 = new HotHistogram({ name: 'dur', help: 'h', labelNames: ['model'], buckets, registers: [ours] });
  const values = [0.0005, 0.001, 0.0011, 0.05, 0.1, 0.7, 9.99, 10, 11, 300];
  for (const [i, v] of values.entries()) {
    const model = i % 3 === 0 ? 'llama' : 'mistral';
    const status = i % 4 === 0 ? '503' : '200';
    c1.inc({ model, status });
    c2.series(model, status).inc();
    h1.observe({ model }, v);
    h2.series(model).observe(v);
    g1.inc({ model }, 2);
    g2.series(model).inc(2);
    g1.dec({ model });
    g2.series(model).dec();
  }
  c1.inc({ model: 'llama', status: '200' }, 41);
  c2.series('llama', '200').inc(41);
  return { theirs, ours, c2, h2 };
}

describe('hot metrics', () => {
  it('render exactly the text prom-client renders for the same updates', async () => {
    const { theirs, ours } = both();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('merge across cluster workers as prom-client metrics do', async () => {
    const a = both();
    const b = both();
    const merged = async (x: Registry, y: Registry) =>
      AggregatorRegistry.aggregate([await x.getMetricsAsJSON(), await y.getMetricsAsJSON()]).metrics();
    expect(await merged(a.ours, b.ours)).toBe(await merged(a.theirs, b.theirs));
  });

  it('keep handles valid across a reset and refuse the wrong number of label values', async () => {
    const { ours, c2, h2 } = both();
    const series = c2.series('llama', '200');
    ours.resetMetrics();
    series.inc(3);
    h2.series('llama').observe(0.002);
    const text = await ours.metrics();
    expect(text).toContain('req_total{model="llama",status="200"} 3');
    expect(text).toContain('dur_bucket{le="0.01",model="llama"} 1');
    expect(text).toContain('dur_count{model="llama"} 1');
    expect(() => c2.series('llama')).toThrow('req_total takes 2 label values, got 1');
  });
});
