/**
 * `llmctl loadtest [scenario]`: runs a scenario against an OpenAI-compatible base URL with a live
 * progress line, writes the report folder (JSON, Markdown, SVG and PNG charts) and prints the results
 * table (or the JSON report with `--output json`). Ctrl-C ends the run early and still writes the report.
 */
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { createClient } from '../client/stream-request.ts';
import { buildLoadReport } from '../report/load-report.ts';
import { resultsTable } from '../report/markdown.ts';
import { writeLoadReport } from '../report/write-report.ts';
import { progressPrinter } from '../run/progress.ts';
import { runLoad } from '../run/run-load.ts';
import { prometheusSampler } from '../run/sampler.ts';
import { resolveScenario, SCENARIOS, type WorkloadName } from '../run/scenarios.ts';
import { type CommandContext, parseDuration, parsePositive, UsageError } from './io.ts';

interface LoadtestFlags {
  baseUrl: string;
  apiKey?: string;
  model?: string;
  duration?: string;
  users?: string;
  spawnRate?: string;
  rate?: string;
  workload?: WorkloadName;
  maxRequests: string;
  seed: string;
  metricsUrl: string[];
  out?: string;
  output: 'table' | 'json';
  failOnTargets?: boolean;
}

/** The first model a server lists, for runs that name none. */
async function firstModel(baseURL: string, apiKey: string): Promise<string> {
  const models = await createClient({ baseURL, apiKey, timeoutMs: 10_000 }).models.list();
  const id = models.data[0]?.id;
  if (!id) throw new UsageError(`--model: ${baseURL}/models lists no model; name one`);
  return id;
}

/** Builds the `loadtest` command. */
export function loadtestCommand(ctx: CommandContext): Command {
  return new Command('loadtest')
    .description('Run a load scenario against an OpenAI-compatible endpoint and write its report')
    .argument('[scenario]', `one of ${Object.keys(SCENARIOS).join(', ')}`, 'baseline')
    .option(
      '--base-url <url>',
      'OpenAI base URL including /v1',
      ctx.env.OPENAI_BASE_URL ?? 'http://127.0.0.1:8080/v1',
    )
    .option('--api-key <key>', 'API key (default: $OPENAI_API_KEY, else "local")')
    .option('--model <name>', 'model to request (default: the first one /v1/models lists)')
    .option('--duration <time>', "the scenario's duration, e.g. 30s or 5m")
    .option('--users <n>', 'closed loop: users at full ramp')
    .option('--spawn-rate <n>', 'closed loop: users started per second')
    .option('--rate <n>', 'open loop: mean arrivals per second')
    .addOption(new Option('--workload <name>', 'requests to send').choices(['mix', 'shared-prefix']))
    .option('--max-requests <n>', 'hard bound on requests started', '100000')
    .option('--seed <n>', 'seed of the workload and arrivals', '1')
    .option(
      '--metrics-url <url>',
      'Prometheus endpoint to sample queue depth from (repeatable; e.g. the gateway admin /metrics)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--out <dir>', 'report folder (default: reports/loadtest/<scenario>-<time>)')
    .addOption(
      new Option('-o, --output <format>', 'what to print').choices(['table', 'json']).default('table'),
    )
    .option('--fail-on-targets', 'exit 3 when a target is missed')
    .action(async (name: string, flags: LoadtestFlags) => {
      const overrides = {
        durationSeconds: flags.duration ? parseDuration(flags.duration, '--duration') / 1000 : undefined,
        users: flags.users ? parsePositive(flags.users, '--users') : undefined,
        spawnRate: flags.spawnRate ? parsePositive(flags.spawnRate, '--spawn-rate') : undefined,
        rate: flags.rate ? parsePositive(flags.rate, '--rate') : undefined,
        workload: flags.workload,
      };
      let scenario: ReturnType<typeof resolveScenario>;
      try {
        scenario = resolveScenario(name, overrides);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const apiKey = flags.apiKey ?? ctx.env.OPENAI_API_KEY ?? 'local';
      const baseURL = flags.baseUrl.replace(/\/$/, '');
      const model = flags.model ?? (await firstModel(baseURL, apiKey));
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const dir = flags.out ?? join('reports', 'loadtest', `${scenario.name}-${stamp}`);
      const progress = progressPrinter(ctx.io.stderr, ctx.io.isTTY);
      const interrupt = new AbortController();
      let signals = 0;
      const onSigint = () => {
        if (++signals > 1) process.exit(130);
        ctx.io.stderr('\nstopping: writing the report (Ctrl-C again to quit at once)\n');
        interrupt.abort();
      };
      process.on('SIGINT', onSigint);
      ctx.io.stderr(`loadtest ${scenario.name} → ${baseURL} (model ${model})\n`);
      let run: Awaited<ReturnType<typeof runLoad>>;
      try {
        run = await runLoad({
          client: createClient({ baseURL, apiKey }),
          model,
          scenario,
          maxRequests: parsePositive(flags.maxRequests, '--max-requests'),
          seed: Number(flags.seed),
          sampler: flags.metricsUrl.length > 0 ? prometheusSampler(flags.metricsUrl) : undefined,
          onProgress: progress.update,
          signal: interrupt.signal,
        });
      } finally {
        process.off('SIGINT', onSigint);
        progress.done();
      }
      const report = buildLoadReport(run, baseURL);
      const written = writeLoadReport(report, dir);
      for (const e of written.pngErrors) ctx.io.stderr(`warning: PNG not written: ${e}\n`);
      if (flags.output === 'json') {
        ctx.io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        ctx.io.stdout(`${resultsTable(report.checks)}\n\nReport: ${join(dir, 'report.md')}\n`);
      }
      if (flags.failOnTargets && !report.passed) {
        throw Object.assign(new Error('some targets were missed (see the report)'), { exitCode: 3 });
      }
    });
}
