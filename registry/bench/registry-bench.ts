// npm run bench:registry [-- --size-mib 256 --rounds 1]: publish and fetch of a generated model directory
// against versitygw + DynamoDB Local on loopback, against a plain SDK upload and download of the same
// bytes without any hashing. Each round runs one side (upload, download, delete), then the other,
// alternating which goes first; prints every round, then best and median per side, the extra time
// (goal ≤ 15 %) of best vs best, of median vs median, order-balanced (order-balance.ts) and the spread of
// the per-round pairs, and peak RSS per phase (flat memory).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { median } from '@switchyard/testkit';
import { formatBytes, formatTable } from '../src/cli/output.ts';
import { registryConfigSchema } from '../src/config.ts';
import { initRegistry } from '../src/init.ts';
import { deletePrefix } from '../src/publish/cleanup.ts';
import { startLocalRegistryServers } from '../src/testing/local-servers.ts';
import { writeModelDir } from '../src/testing/model-dir.ts';
import { contextFor } from '../src/testing/registry-servers.ts';
import type { PhaseJob } from './bench-phase.ts';
import { orderBalancedRatio } from './order-balance.ts';

const execFileAsync = promisify(execFile);
const defaults = registryConfigSchema.parse({});
const phaseScript = join(import.meta.dirname, 'bench-phase.ts');

const MiB = 1024 * 1024;
/** A ratio registry/plain as extra time: 1.052 → "+5.2 %". */
const percent = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)} %`;
const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '2048' },
    rounds: { type: 'string', default: '3' },
    'part-size-mib': { type: 'string', default: '16' },
    concurrency: { type: 'string', default: '4' },
  },
});
const totalBytes = Number(values['size-mib']) * MiB;
const rounds = Number(values.rounds);
const partSizeBytes = Number(values['part-size-mib']) * MiB;
const concurrency = Number(values.concurrency);

/** A model directory: config, tokenizer, and safetensors shards of at most 1 GiB making up the rest. */
function modelFiles(size: number) {
  const small = [
    { path: 'config.json', size: 2048 },
    { path: 'tokenizer.json', size: Math.min(4 * MiB, Math.floor(size / 8)) },
  ];
  let rest = size - small.reduce((n, f) => n + f.size, 0);
  const shards = Math.max(1, Math.ceil(rest / (1024 * MiB)));
  const shardFiles = [];
  for (let i = 1; i <= shards; i++) {
    const shardSize = i === shards ? rest : Math.ceil(rest / (shards - i + 1));
    shardFiles.push({
      path: `model-${String(i).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`,
      size: shardSize,
    });
    rest -= shardSize;
  }
  return [...small, ...shardFiles];
}

interface Measurement {
  seconds: number;
  /** Client CPU (user + system) seconds: less noisy than wall time on a shared machine. */
  cpuSeconds: number;
  /** The phase process's peak resident memory (kernel maxrss). */
  maxRssBytes: number;
}

/**
 * Runs one phase in a fresh process (see bench-phase.ts) so its peak RSS is its own, after flushing dirty
 * pages so no phase is throttled by the previous one's writeback.
 */
async function runPhase(job: PhaseJob): Promise<Measurement> {
  await execFileAsync('sync');
  const { stdout } = await execFileAsync(process.execPath, [phaseScript, JSON.stringify(job)], {
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout) as Measurement;
}

type Phase = 'upload' | 'download';
const results: Record<Phase, { plain: Measurement[]; registry: Measurement[] }> = {
  upload: { plain: [], registry: [] },
  download: { plain: [], registry: [] },
};

const servers = await startLocalRegistryServers();
const scratch = await mkdtemp(join(tmpdir(), 'registry-bench-'));
const ctx = contextFor(servers, {
  bucket: 'bench',
  table: 'bench',
  partSizeBytes,
  concurrency,
  maxAttempts: 6,
});
try {
  await initRegistry(ctx);
  const modelDir = join(scratch, 'model');
  process.stderr.write(`generating ${formatBytes(totalBytes)} model directory in ${modelDir}\n`);
  await writeModelDir(modelDir, modelFiles(totalBytes));
  const job = (phase: PhaseJob['phase'], name: string, targetDir = ''): PhaseJob => ({
    phase,
    servers: { s3: servers.s3, dynamodb: servers.dynamodb },
    bucket: ctx.bucket,
    table: ctx.table,
    modelDir,
    targetDir,
    name,
    partSizeBytes,
    concurrency,
  });
  for (let round = 1; round <= rounds; round++) {
    process.stderr.write(`round ${round}/${rounds}\n`);
    const plainPrefix = `plain/${round}/`;
    const version = `r${round}`;
    // Alternate which side goes first. Each side uploads, downloads and deletes its copy before the other
    // starts, so both uploads begin from the same state (right after the other side's copy was deleted):
    // with both uploads back to back, the second one ran 1.5–2.5 s slower at 2 GiB whichever side it was.
    const plainFirst = round % 2 === 1;
    const plainDir = join(scratch, `plain-${round}`);
    const fetchDir = join(scratch, `fetch-${round}`);
    const sides = [
      async () => {
        results.upload.plain.push(await runPhase(job('plain-upload', plainPrefix)));
        results.download.plain.push(await runPhase(job('plain-download', plainPrefix, plainDir)));
        await rm(plainDir, { recursive: true, force: true });
        await deletePrefix(ctx.clients.s3, ctx.bucket, plainPrefix);
      },
      async () => {
        results.upload.registry.push(await runPhase(job('publish', version)));
        results.download.registry.push(await runPhase(job('fetch', version, fetchDir)));
        await rm(fetchDir, { recursive: true, force: true });
        await deletePrefix(ctx.clients.s3, ctx.bucket, `models/bench/${version}/`);
      },
    ];
    for (const run of plainFirst ? sides : sides.reverse()) await run();
    for (const phase of ['upload', 'download'] as const) {
      const plain = results[phase].plain.at(-1)!;
      const registry = results[phase].registry.at(-1)!;
      process.stderr.write(
        `  ${phase}: plain ${plain.seconds.toFixed(2)} s, registry ${registry.seconds.toFixed(2)} s ` +
          `(${percent(registry.seconds / plain.seconds)}), client CPU ${plain.cpuSeconds.toFixed(2)} / ` +
          `${registry.cpuSeconds.toFixed(2)} s, peak RSS ${formatBytes(plain.maxRssBytes)} / ${formatBytes(registry.maxRssBytes)}\n`,
      );
    }
  }
} finally {
  ctx.clients.destroy();
  await servers.stop();
  await rm(scratch, { recursive: true, force: true });
}

const seconds = (xs: Measurement[]) => xs.map((x) => x.seconds);
const peak = (xs: Measurement[]) => Math.max(...xs.map((x) => x.maxRssBytes));
const fetchShape =
  defaults.fetchConcurrency === 1
    ? 'one GET per file'
    : `ranged GETs of ${formatBytes(defaults.fetchChunkSizeBytes)} × ${defaults.fetchConcurrency} per file`;
const rate = (seconds: number) => `${formatBytes(totalBytes / seconds)}/s`;
const goalMet: boolean[] = [];
const balancedGoalMet: boolean[] = [];
const rows = (['upload', 'download'] as const).map((phase) => {
  const r = results[phase];
  const plain = { best: Math.min(...seconds(r.plain)), median: median(seconds(r.plain)) };
  const registry = { best: Math.min(...seconds(r.registry)), median: median(seconds(r.registry)) };
  const pairs = r.registry.map((x, i) => x.seconds / r.plain[i]!.seconds);
  const balanced = orderBalancedRatio(pairs);
  goalMet.push(registry.best / plain.best <= 1.15, registry.median / plain.median <= 1.15);
  balancedGoalMet.push(balanced <= 1.15);
  const cpu = (xs: Measurement[]) => median(xs.map((x) => x.cpuSeconds)).toFixed(2);
  return [
    phase === 'upload' ? 'upload (publish)' : 'download (fetch)',
    `${plain.best.toFixed(2)} / ${plain.median.toFixed(2)} s (${rate(plain.best)})`,
    `${registry.best.toFixed(2)} / ${registry.median.toFixed(2)} s (${rate(registry.best)})`,
    `${percent(registry.best / plain.best)} / ${percent(registry.median / plain.median)}`,
    percent(balanced),
    `${percent(Math.min(...pairs))} … ${percent(Math.max(...pairs))}`,
    `${cpu(r.plain)} s / ${cpu(r.registry)} s`,
    formatBytes(peak(r.plain)),
    formatBytes(peak(r.registry)),
  ];
});
process.stdout.write(
  `\nregistry bench: ${formatBytes(totalBytes)} in ${modelFiles(totalBytes).length} files, part ${formatBytes(partSizeBytes)}, ` +
    `upload concurrency ${concurrency}, fetch ${fetchShape}, 2 files at a time, ` +
    `${rounds} rounds, versitygw + DynamoDB Local on loopback\n\n` +
    formatTable(
      [
        'PHASE',
        'PLAIN SDK (no hashing) BEST / MEDIAN',
        'REGISTRY (SHA-256) BEST / MEDIAN',
        'EXTRA TIME BEST / MEDIAN',
        'ORDER-BALANCED',
        'PER ROUND',
        'CLIENT CPU PLAIN / REGISTRY (MEDIAN)',
        'PEAK RSS PLAIN',
        'PEAK RSS REGISTRY',
      ],
      rows,
    ) +
    `\nload average during the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} cores\n` +
    'goal: extra time ≤ 15 %; peak RSS independent of model size (streaming, no whole-file buffers)\n' +
    `extra time within the goal for best and median of both phases: ${goalMet.every(Boolean) ? 'yes' : 'no'}\n` +
    `order-balanced extra time within the goal for both phases: ${balancedGoalMet.every(Boolean) ? 'yes' : 'no'}\n`,
);
