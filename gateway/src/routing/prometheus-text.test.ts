import { describe, expect, it } from 'vitest';
import { parseEngineLoad } from './engine-load.ts';
import { parsePrometheusText } from './prometheus-text.ts';

const VLLM_METRICS = `# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="llama"} 3.0
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="llama"} 7.0
vllm:num_requests_waiting{engine="1",model_name="llama"} 1.0
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="0",model_name="llama"} 0.42
vllm:num_requests_waiting{engine="0",model_name="other"} 100
vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="llama"} 12
`;

describe('parsePrometheusText', () => {
  it.each([
    { name: 'a bare sample', text: 'up 1', want: [{ name: 'up', labels: {}, value: 1 }] },
    {
      name: 'labels and a timestamp',
      text: 'x{a="1",b="2"} 3.5 1700000000',
      want: [{ name: 'x', labels: { a: '1', b: '2' }, value: 3.5 }],
    },
    {
      name: 'escaped label values',
      text: 'x{p="a\\"b\\\\c\\nd"} 1',
      want: [{ name: 'x', labels: { p: 'a"b\\c\nd' }, value: 1 }],
    },
    {
      name: 'infinities',
      text: 'x{le="+Inf"} +Inf',
      want: [{ name: 'x', labels: { le: '+Inf' }, value: Number.POSITIVE_INFINITY }],
    },
    { name: 'comments and blank lines', text: '# HELP x y\n\n# TYPE x gauge\n', want: [] },
    {
      name: 'a malformed line among good ones',
      text: 'x{a=1} 2\ny 3',
      want: [{ name: 'y', labels: {}, value: 3 }],
    },
  ])('parses $name', ({ text, want }) => {
    expect(parsePrometheusText(text)).toEqual(want);
  });
});

describe('parseEngineLoad', () => {
  it('sums vLLM gauges of the served model across engines', () => {
    expect(parseEngineLoad(VLLM_METRICS, 5, 'llama')).toEqual({
      waiting: 8,
      running: 3,
      kvCacheUsage: 0.42,
      scrapedAtMs: 5,
    });
  });

  it('reads the legacy gpu_cache_usage_perc name', () => {
    expect(parseEngineLoad('vllm:gpu_cache_usage_perc{model_name="m"} 0.9', 0)?.kvCacheUsage).toBe(0.9);
  });

  it('returns nothing for a page without vLLM gauges', () => {
    expect(parseEngineLoad('process_cpu_seconds_total 4', 0)).toBeUndefined();
  });
});
