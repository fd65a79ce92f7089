/**
 * `llmctl analyze traces`: reads the last traces of a service from Jaeger and prints the slowest
 * operations, a typical request's phase breakdown and the bottleneck class with its evidence
 * (`--output json` for the same as JSON).
 */
import { Command, Option } from 'commander';
import { analyzeTraces } from '../analyze/analyze-traces.ts';
import { fetchTraces } from '../analyze/jaeger.ts';
import { renderTraceAnalysis } from '../analyze/render.ts';
import { type CommandContext, parseDuration, parsePositive } from './io.ts';

interface TracesFlags {
  service: string;
  since: string;
  limit: string;
  jaegerUrl?: string;
  operation?: string;
  output: 'table' | 'json';
}

/** Builds the `analyze` command (subcommand `traces`). */
export function analyzeCommand(ctx: CommandContext): Command {
  const analyze = new Command('analyze').description('Find where request time goes');
  analyze
    .command('traces')
    .description('Break down request latency from Jaeger traces and classify the bottleneck')
    .option('--service <name>', 'service whose traces to read', 'llm-gateway')
    .option('--since <time>', 'look back this far, e.g. 15m or 1h', '1h')
    .option('--limit <n>', 'at most this many traces', '200')
    .option('--operation <name>', 'only traces of this root operation, e.g. "POST /v1/chat/completions"')
    .option(
      '--jaeger-url <url>',
      'Jaeger query base URL (default: $JAEGER_QUERY_URL, else http://127.0.0.1:16686)',
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .action(async (flags: TracesFlags) => {
      const queryUrl = flags.jaegerUrl ?? ctx.env.JAEGER_QUERY_URL ?? 'http://127.0.0.1:16686';
      const traces = await fetchTraces({
        queryUrl,
        service: flags.service,
        sinceMs: parseDuration(flags.since, '--since'),
        limit: parsePositive(flags.limit, '--limit'),
        operation: flags.operation,
      });
      const analysis = analyzeTraces(traces);
      if (flags.output === 'json') ctx.io.stdout(`${JSON.stringify(analysis, null, 2)}\n`);
      else ctx.io.stdout(renderTraceAnalysis(analysis, flags.service));
    });
  return analyze;
}
