import { describe, expect, it } from 'vitest';
import { sumMetric } from './sampler.ts';

const exposition = `# HELP llm_queue_depth Requests waiting
# TYPE llm_queue_depth gauge
llm_queue_depth{model="a"} 3
llm_queue_depth{model="b",tenant="x"} 4
llm_queue_depth_max 99
vllm:num_requests_waiting{model_name="m",engine="0"} 2
`;

describe('sumMetric', () => {
  it('sums every series of a metric and ignores metrics that share its prefix', () => {
    expect(sumMetric(exposition, 'llm_queue_depth')).toBe(7);
  });
  it('reads names with colons', () => {
    expect(sumMetric(exposition, 'vllm:num_requests_waiting')).toBe(2);
  });
  it('returns undefined for an absent metric', () => {
    expect(sumMetric(exposition, 'llm_active_requests')).toBeUndefined();
  });
});
