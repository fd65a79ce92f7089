// npm run bench:registry [-- --size-mib 256 --rounds 1]: publish and fetch of a generated model directory
// against versitygw + DynamoDB Local on loopback, against a plain SDK upload and download of the same
// bytes without any hashing. Prints times, the ratio (goal ≤ 1.15) and peak RSS per phase (flat memory).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { formatBytes, formatTable } from '../src/cli/output.ts';
import { registryConfigSchema } from '../src/config.ts';
import { initRegistry } from '../src/init.ts';
import { deletePrefix } from '../src/publish/cleanup.ts';
import { startLocalRegistryServers } from '../src/testing/local-servers.ts';
import { writeModelDir } from '../src/testing/model-dir.ts';
import { contextFor } from '../src/testing/registry-servers.ts';
import type { PhaseJob } from './bench-phase.ts';

const execFileAsync = promisify(execFile);
const defaults = registryConfigSchema.parse({});
const phaseScript = join(import.meta.dirname, 'bench-phase.ts');

const MiB = 1024 * 1024;
const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '2048' },
    rounds: { type: 'string', default: '2' },
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
    // Alternate which side goes first, so neither always pays for the other's leftover disk writeback.
    const plainFirst = round % 2 === 1;
    const uploads = [
      async () => results.upload.plain.push(await runPhase(job('plain-upload', plainPrefix))),
      async () => results.upload.registry.push(await runPhase(job('publish', version))),
    ];
    for (const run of plainFirst ? uploads : uploads.reverse()) await run();
    const plainDir = join(scratch, `plain-${round}`);
    const fetchDir = join(scratch, `fetch-${round}`);
    const downloads = [
      async () => {
        results.download.plain.push(await runPhase(job('plain-download', plainPrefix, plainDir)));
        await rm(plainDir, { recursive: true, force: true });
      },
      async () => {
        results.download.registry.push(await runPhase(job('fetch', version, fetchDir)));
        await rm(fetchDir, { recursive: true, force: true });
      },
    ];
    for (const run of plainFirst ? downloads : downloads.reverse()) await run();
    await deletePrefix(ctx.clients.s3, ctx.bucket, plainPrefix);
    await deletePrefix(ctx.clients.s3, ctx.bucket, `models/bench/${version}/`);
  }
} finally {
  ctx.clients.destroy();
  await servers.stop();
  await rm(scratch, { recursive: true, force: true });
}

const best = (xs: Measurement[]) => Math.min(...xs.map((x) => x.seconds));
const bestCpu = (xs: Measurement[]) => Math.min(...xs.map((x) => x.cpuSeconds));
const peak = (xs: Measurement[]) => Math.max(...xs.map((x) => x.maxRssBytes));
const fetchShape =
  defaults.fetchConcurrency === 1
    ? 'one GET per file'
    : `ranged GETs of ${formatBytes(defaults.fetchChunkSizeBytes)} × ${defaults.fetchConcurrency} per file`;
const rate = (seconds: number) => `${formatBytes(totalBytes / seconds)}/s`;
const rows = (['upload', 'download'] as const).map((phase) => {
  const r = results[phase];
  const plain = best(r.plain);
  const registry = best(r.registry);
  return [
    phase === 'upload' ? 'upload (publish)' : 'download (fetch)',
    `${plain.toFixed(2)} s (${rate(plain)})`,
    `${registry.toFixed(2)} s (${rate(registry)})`,
    `${((registry / plain - 1) * 100).toFixed(1)} %`,
    `${bestCpu(r.plain).toFixed(2)} s / ${bestCpu(r.registry).toFixed(2)} s`,
    formatBytes(peak(r.plain)),
    formatBytes(peak(r.registry)),
  ];
});
process.stdout.write(
  `\nregistry bench: ${formatBytes(totalBytes)} in ${modelFiles(totalBytes).length} files, part ${formatBytes(partSizeBytes)}, ` +
    `upload concurrency ${concurrency}, fetch ${fetchShape}, 2 files at a time, ` +
    `best of ${rounds}, versitygw + DynamoDB Local on loopback\n\n` +
    formatTable(
      [
        'PHASE',
        'PLAIN SDK (no hashing)',
        'REGISTRY (SHA-256)',
        'EXTRA TIME',
        'CLIENT CPU PLAIN / REGISTRY',
        'PEAK RSS PLAIN',
        'PEAK RSS REGISTRY',
      ],
      rows,
    ) +
    `\nload average during the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} cores\n` +
    'goal: extra time ≤ 15 %; peak RSS independent of model size (streaming, no whole-file buffers)\n',
);
