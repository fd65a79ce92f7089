// One timed phase of the registry benchmark, run in its own process so its peak RSS (the kernel's maxrss)
// is its own. Reads a JSON job from argv[2], prints {seconds, cpuSeconds, maxRssBytes} as JSON.
import { S3Client } from '@aws-sdk/client-s3';
import { fetchVersion } from '../src/fetch/fetch-version.ts';
import { scanModelDirectory } from '../src/publish/plan.ts';
import { publishVersion } from '../src/publish/publish.ts';
import { contextFor, type RegistryServers } from '../src/testing/registry-servers.ts';
import { plainDownload, plainUpload, unsignedPayload } from './plain-transfer.ts';

/** What the parent asks a phase process to do. */
export interface PhaseJob {
  phase: 'plain-upload' | 'publish' | 'plain-download' | 'fetch';
  servers: Omit<RegistryServers, 'stop'>;
  bucket: string;
  table: string;
  modelDir: string;
  targetDir: string;
  /** Key prefix of the plain copy, or the version name of the registry copy. */
  name: string;
  partSizeBytes: number;
  concurrency: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as PhaseJob;
const servers: RegistryServers = { ...job.servers, stop: async () => {} };
const ctx = contextFor(servers, {
  bucket: job.bucket,
  table: job.table,
  partSizeBytes: job.partSizeBytes,
  concurrency: job.concurrency,
  maxAttempts: 6,
});
const plain = new S3Client({
  endpoint: servers.s3.url,
  region: servers.s3.region,
  credentials: servers.s3.credentials,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
plain.middlewareStack.add(unsignedPayload, { step: 'build', name: 'benchUnsignedPayload' });
const files = await scanModelDirectory(job.modelDir);

const cpu = process.cpuUsage();
const started = performance.now();
if (job.phase === 'plain-upload') {
  await plainUpload(plain, job.bucket, job.name, files, job);
} else if (job.phase === 'publish') {
  await publishVersion(ctx, { model: 'bench', version: job.name, dir: job.modelDir, createdBy: 'bench' });
} else if (job.phase === 'plain-download') {
  await plainDownload(plain, job.bucket, job.name, files, job.targetDir);
} else {
  await fetchVersion(ctx, { model: 'bench', ref: job.name, dir: job.targetDir });
}
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
ctx.clients.destroy();
plain.destroy();
process.stdout.write(
  JSON.stringify({
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
