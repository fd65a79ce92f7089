/**
 * `npm run loadtest:autoscale`: KEDA autoscaling under load on the testkit cluster (kube-apiserver,
 * kwok, real KEDA). A ModelDeployment (min 0, max 8) backed by simulator pods, the gateway with
 * Kubernetes discovery and its KEDA external scaler, the operator. Load ramps from one user to stress
 * (100 users) and back; replicas, queue depth and TTFT p95 are recorded over time; then the run waits for
 * the cooldown to take the model back to zero. The report (reports/autoscale-<time>/) shows four
 * behaviours: the first request at zero held and served, scale-up under load, TTFT p95 recovering, and
 * scale back to zero. When a piece of the stack is missing, the run says which and exits 2.
 *
 * Flags: --duration <s> (ramp length, default 180), --cooldown <s> (ScaledObject cooldown, default 30),
 * --wait <s> (longest wait for zero after load, default 300).
 */
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from '../src/client/stream-request.ts';
import { behavioursTable, evaluateAutoscale } from '../src/report/autoscale-verdict.ts';
import { DEFAULT_TARGETS } from '../src/report/checks.ts';
import { buildLoadReport } from '../src/report/load-report.ts';
import { resultsTable } from '../src/report/markdown.ts';
import { writeLoadReport } from '../src/report/write-report.ts';
import { formatProgress } from '../src/run/progress.ts';
import { runLoad } from '../src/run/run-load.ts';
import { prometheusSampler } from '../src/run/sampler.ts';
import { resolveScenario, type Scenario } from '../src/run/scenarios.ts';
import {
  applyBasics,
  type ClusterHandle,
  describeState,
  MODEL,
  modelDeployment,
  NAMESPACE,
  preflight,
  readyReplicas,
  type Step,
  startGatewayProcess,
  startOperatorProcess,
  step,
  waitFor,
} from './autoscale/stack.ts';
import type { Child } from './peers/processes.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '180' },
    cooldown: { type: 'string', default: '30' },
    wait: { type: 'string', default: '300' },
  },
});
const steps: Step[] = [];
const children: Child[] = [];
let cluster: ClusterHandle | undefined;
const work = mkdtempSync(join(tmpdir(), 'autoscale-'));
const out = join('reports', `autoscale-${new Date().toISOString().replace(/[:.]/g, '-')}`);

/** When the ramp holds its most users (the stress stage), ms from the start. */
function peakStage(scenario: Scenario): { fromMs: number; toMs: number } | undefined {
  if (scenario.pattern.type !== 'staged') return undefined;
  let from = 0;
  let best: { fromMs: number; toMs: number; users: number } | undefined;
  for (const stage of scenario.pattern.stages) {
    if (!best || stage.users > best.users)
      best = { fromMs: from, toMs: from + stage.durationMs, users: stage.users };
    from += stage.durationMs;
  }
  return best && { fromMs: best.fromMs, toMs: best.toMs };
}

function printSteps(): void {
  console.log('\n| step | ok | detail |\n|---|---|---|');
  for (const s of steps) console.log(`| ${s.name} | ${s.ok ? '✅' : '❌'} | ${s.detail} |`);
  console.log(`\nLogs: ${work}${cluster ? ` and ${cluster.dir}` : ''}`);
}

async function main(): Promise<number> {
  console.log(`# Autoscaling under load (${new Date().toISOString()})`);
  const pre = await preflight();
  steps.push({
    name: 'preflight',
    ok: pre.missing.length === 0,
    detail: pre.missing.join('; ') || 'all pieces present',
  });
  if (!pre.startCluster || pre.missing.length > 0) {
    printSteps();
    return 2;
  }
  const startCluster = pre.startCluster;
  cluster = await step(steps, 'start cluster (kube-apiserver, kwok, KEDA)', () =>
    startCluster({ kwok: true, keda: true, hpaSyncPeriodSeconds: 2 }),
  );
  const c = cluster;
  await step(steps, 'apply ModelDeployment CRD and namespace', () => applyBasics(c));
  const gateway = await step(
    steps,
    'start gateway (Kubernetes discovery, KEDA scaler)',
    () => startGatewayProcess(c, work),
    (g) => g.baseURL,
  );
  children.push(gateway.child);
  children.push(await step(steps, 'start operator', async () => startOperatorProcess(c, work)));
  await step(steps, 'apply ModelDeployment (min 0, max 8)', () =>
    c.client.apply(modelDeployment(gateway.scalerAddress, Number(values.cooldown))),
  );
  await step(steps, 'operator creates the Deployment and ScaledObject', () =>
    waitFor(
      'Deployment and ScaledObject',
      async () => {
        const d = await c.client.get<{ items: unknown[] }>(
          `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`,
        );
        const so = await c.client.get<{ items: unknown[] }>(
          `/apis/keda.sh/v1alpha1/namespaces/${NAMESPACE}/scaledobjects`,
        );
        return d.items.length > 0 && so.items.length > 0;
      },
      90_000,
    ),
  );
  await step(
    steps,
    'model at zero replicas before load',
    () =>
      waitFor('zero replicas', async () => (await readyReplicas(c)) === 0, 120_000).catch(
        async (error: Error) => {
          throw new Error(`${error.message}: ${await describeState(c)}`);
        },
      ),
    () => '0 ready',
  );

  const queue = prometheusSampler([gateway.metricsUrl]);
  const sampler = async () => ({
    ...(await queue()),
    replicas: await readyReplicas(c).catch(() => undefined),
  });
  const scenario = resolveScenario('ramp', { durationSeconds: Number(values.duration) });
  const run = await step(
    steps,
    `ramp load (${scenario.durationMs / 1000} s, 1 → 100 users → 10)`,
    () =>
      runLoad({
        client: createClient({ baseURL: gateway.baseURL, timeoutMs: 600_000 }),
        model: MODEL,
        scenario,
        sampler,
        intervalMs: 2_000,
        graceMs: 60_000,
        onProgress: (p) => process.stderr.write(`${formatProgress(p)}\n`),
      }),
    (r) => `${r.collector.ok} ok, ${r.collector.errors} errors`,
  );
  const loadEndMs = run.elapsedMs;
  const start = performance.now() - run.elapsedMs;
  await step(steps, 'cooldown: back to zero', () =>
    waitFor(
      'zero replicas after load',
      async () => {
        const s = await sampler();
        run.collector.sample(performance.now() - start, s);
        return s.replicas === 0;
      },
      Number(values.wait) * 1000,
      2_000,
    ),
  ).catch(() => undefined);

  const report = buildLoadReport(run, gateway.baseURL);
  const written = writeLoadReport(report, out);
  const behaviours = evaluateAutoscale({
    timeline: report.timeline,
    first: run.collector.first,
    loadEndMs,
    ttftTargetMs: DEFAULT_TARGETS.ttftP95Ms,
    peakLoad: peakStage(scenario),
  });
  const table = behavioursTable(behaviours);
  appendFileSync(join(out, 'report.md'), `\n## Autoscaling\n\n${table}\n`);
  writeFileSync(join(out, 'autoscale.json'), `${JSON.stringify({ behaviours, steps }, null, 2)}\n`);
  console.log(`\n${resultsTable(report.checks)}\n\n${table}\n\nReport: ${join(written.dir, 'report.md')}`);
  printSteps();
  return behaviours.every((b) => b.pass) ? 0 : 1;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    console.error(`loadtest:autoscale failed: ${(error as Error).message}`);
    printSteps();
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const child of children.reverse()) await child.stop();
    await cluster?.stop();
  });
