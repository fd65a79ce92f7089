// Alert rules checked and unit-tested by promtool; the dashboard and rules read only metrics that exist.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayMetric, VllmMetric } from '@switchyard/api';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OBSERVABILITY_DIR } from './paths.ts';
import { promtool, requireTool, run } from './tools.ts';

const RULES = join(OBSERVABILITY_DIR, 'prometheus', 'switchyard-rules.yaml');
const TESTS_DIR = join(OBSERVABILITY_DIR, 'prometheus', 'tests');
const DASHBOARD = join(OBSERVABILITY_DIR, 'grafana', 'switchyard-overview.json');
const KSM_CONFIG = join(OBSERVABILITY_DIR, 'kube-state-metrics', 'modeldeployment-crs.yaml');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
}
const groups = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups;
const rules = groups.flatMap((g) => g.rules);
const alerts = rules.filter((r) => r.alert);

/** Series names a PromQL expression reads (metric names, not functions or labels). */
function seriesNames(expr: string): string[] {
  const withoutStrings = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b\d+(\.\d+)?(e[-+]?\d+)?\b/g, '0');
  const names = withoutStrings.match(/[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*(\{|\[|\)|$|\s|>|<|\/|\*|\+|-))/g) ?? [];
  const words = new Set([
    'sum',
    'max',
    'min',
    'avg',
    'rate',
    'deriv',
    'by',
    'and',
    'or',
    'on',
    'ignoring',
    'group_left',
    'histogram_quantile',
    'clamp_min',
    'le',
    'model',
    'model_name',
    'pod',
    'namespace',
    'tenant',
    'rule',
    'kind',
    'status',
    'code',
    'modeldeployment',
    'revision',
    'role',
    'reason',
    '$__rate_interval',
    'unless',
  ]);
  return names.filter((n) => !words.has(n) && !/^\d/.test(n));
}

/** Every series the project's code exports, plus what the rules record and kube-state-metrics makes. */
function knownSeries(): Set<string> {
  const known = new Set<string>();
  const histograms = new Set<string>([
    GatewayMetric.ttftSeconds,
    GatewayMetric.tpotSeconds,
    GatewayMetric.inferenceDurationSeconds,
    GatewayMetric.queueWaitSeconds,
    GatewayMetric.upstreamDurationSeconds,
    VllmMetric.timeToFirstTokenSeconds,
    VllmMetric.interTokenLatencySeconds,
    VllmMetric.e2eRequestLatencySeconds,
  ]);
  for (const name of [...Object.values(GatewayMetric), ...Object.values(VllmMetric)]) {
    known.add(name);
    if (histograms.has(name)) for (const suffix of ['_bucket', '_sum', '_count']) known.add(name + suffix);
  }
  for (const rule of rules) if (rule.record) known.add(rule.record);
  const ksm = parse(readFileSync(KSM_CONFIG, 'utf8')) as {
    spec: { resources: { metricNamePrefix: string; metrics: { name: string }[] }[] };
  };
  for (const resource of ksm.spec.resources)
    for (const metric of resource.metrics) known.add(`${resource.metricNamePrefix}_${metric.name}`);
  return known;
}

describe('prometheus rules', () => {
  it('pass promtool check rules', async () => {
    const result = await run(requireTool(promtool()), ['check', 'rules', RULES]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });

  it('pass their promtool unit tests', async () => {
    const files = readdirSync(TESTS_DIR).filter((f) => f.endsWith('.test.yaml'));
    expect(files.length).toBeGreaterThan(0);
    const result = await run(requireTool(promtool()), ['test', 'rules', ...files], { cwd: TESTS_DIR });
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('cover the analysis targets with the right severities', () => {
    const severity = Object.fromEntries(alerts.map((a) => [a.alert, a.labels?.severity]));
    expect(severity).toMatchObject({
      SwitchyardTTFTP95High: 'warning',
      SwitchyardErrorRateHigh: 'critical',
      SwitchyardKVCacheNearlyFull: 'warning',
      SwitchyardQueueWaitRising: 'warning',
      SwitchyardRolloutStuck: 'warning',
    });
    const ttft = alerts.find((a) => a.alert === 'SwitchyardTTFTP95High')!;
    expect(ttft).toMatchObject({ for: '5m' });
    expect(ttft.expr).toMatch(/> 2$/);
    expect(alerts.find((a) => a.alert === 'SwitchyardErrorRateHigh')!.expr).toContain('> 0.05');
    expect(alerts.find((a) => a.alert === 'SwitchyardKVCacheNearlyFull')!.expr).toContain('> 0.9');
  });

  it('have a unit test for every alert', () => {
    const tested = new Set<string>();
    for (const file of readdirSync(TESTS_DIR).filter((f) => f.endsWith('.test.yaml'))) {
      const doc = parse(readFileSync(join(TESTS_DIR, file), 'utf8')) as {
        tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
      };
      for (const test of doc.tests)
        for (const check of test.alert_rule_test ?? [])
          if (check.exp_alerts.length) tested.add(check.alertname);
    }
    expect([...tested].sort()).toEqual(alerts.map((a) => a.alert!).sort());
  });

  it('read only series the gateway, vLLM, the rules or kube-state-metrics produce', () => {
    const known = knownSeries();
    const read = rules.flatMap((rule) => seriesNames(rule.expr).map((name) => ({ rule, name })));
    expect(new Set(read.map((r) => r.name))).toContain('llm_ttft_seconds_bucket');
    for (const { rule, name } of read) expect(known, `${rule.alert ?? rule.record}: ${name}`).toContain(name);
  });
});

describe('grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    uid: string;
    panels: { type: string; title: string; targets?: { expr: string }[] }[];
  };
  const panels = dashboard.panels.filter((p) => p.type !== 'row');

  it('has a panel for each signal a platform team watches', () => {
    const titles = panels.map((p) => p.title).join(' | ');
    for (const wanted of [
      'Time to first token',
      'Time per output token',
      'Throughput',
      'Errors',
      'Queue depth',
      'Replicas per revision',
      'Rate-limit rejections',
      'KV-cache usage',
    ])
      expect(titles).toContain(wanted);
  });

  it('queries only series that exist', () => {
    const known = knownSeries();
    for (const panel of panels) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? [])
        for (const name of seriesNames(target.expr)) expect(known, `${panel.title}: ${name}`).toContain(name);
    }
  });
});
