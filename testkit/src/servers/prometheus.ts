// testkit: a real Prometheus (Debian package) scraping the targets a test names, plus promtool.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { TestkitError } from '../core/errors.ts';
import { makeRunDir } from '../core/paths.ts';
import { freePort } from '../core/ports.ts';
import { httpOk } from '../core/probes.ts';
import { startProcess } from '../core/server.ts';
import { requireBinary } from '../install/component.ts';
import { component } from '../install/components.ts';

/** A scrape job: a name and `host:port` targets (metrics at `/metrics` unless `metricsPath` says otherwise). */
export interface ScrapeJob {
  jobName: string;
  targets: string[];
  metricsPath?: string;
}

/** Options of {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** Scrape jobs; a bare list of `host:port` targets becomes one job named `testkit`. */
  scrapeJobs?: ScrapeJob[];
  targets?: string[];
  /** Scrape and evaluation interval in seconds (default 1, so tests see data quickly). */
  scrapeIntervalSeconds?: number;
  /** Rule files (YAML) to load. */
  ruleFiles?: string[];
  port?: number;
}

/** One sample of an instant-vector query result. */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** A running Prometheus. */
export interface PrometheusServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  host: string;
  port: number;
  configFile: string;
  /** Path of the promtool binary (for `promtool check rules` / `test rules`). */
  promtool: string;
  logFile: string;
  /** Runs an instant PromQL query and returns its vector samples. */
  query(promql: string): Promise<PromSample[]>;
  /** Replaces the scrape jobs and reloads the configuration. */
  setScrapeJobs(jobs: ScrapeJob[]): Promise<void>;
  stop(): Promise<void>;
}

function configYaml(jobs: ScrapeJob[], intervalSeconds: number, ruleFiles: string[]): string {
  return stringify({
    global: { scrape_interval: `${intervalSeconds}s`, evaluation_interval: `${intervalSeconds}s` },
    rule_files: ruleFiles,
    scrape_configs: jobs.map((job) => ({
      job_name: job.jobName,
      metrics_path: job.metricsPath ?? '/metrics',
      static_configs: [{ targets: job.targets }],
    })),
  });
}

/** Runs an instant PromQL query against the Prometheus at `url` and returns its vector samples. */
export async function queryPrometheus(url: string, promql: string): Promise<PromSample[]> {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success' || !body.data) {
    throw new TestkitError('prometheus', 'query', `${promql}: ${body.error ?? response.status}`);
  }
  if (body.data.resultType !== 'vector') return [];
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** Prometheus configuration for the given scrape jobs. */
export function prometheusConfig(
  jobs: ScrapeJob[],
  intervalSeconds: number,
  ruleFiles: string[] = [],
): string {
  return configYaml(jobs, intervalSeconds, ruleFiles);
}

/** Starts Prometheus on loopback with the given scrape targets; resolves once `/-/ready` answers. */
export async function startPrometheus(options: StartPrometheusOptions = {}): Promise<PrometheusServer> {
  const comp = component('prometheus');
  const binary = requireBinary(comp, 'prometheus');
  const promtool = requireBinary(comp, 'promtool');
  const host = '127.0.0.1';
  const port = options.port ?? (await freePort());
  const url = `http://${host}:${port}`;
  const interval = options.scrapeIntervalSeconds ?? 1;
  const ruleFiles = options.ruleFiles ?? [];
  const jobs =
    options.scrapeJobs ?? (options.targets ? [{ jobName: 'testkit', targets: options.targets }] : []);
  const runDir = makeRunDir('prometheus');
  const configFile = join(runDir, 'prometheus.yml');
  writeFileSync(configFile, configYaml(jobs, interval, ruleFiles));
  const started = await startProcess({
    name: 'prometheus',
    command: binary,
    runDir,
    args: (dir) => [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=${host}:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    ready: () => httpOk(`${url}/-/ready`),
  });
  return {
    url,
    host,
    port,
    configFile,
    promtool,
    logFile: started.logFile,
    stop: started.stop,
    query: (promql) => queryPrometheus(url, promql),
    async setScrapeJobs(newJobs) {
      writeFileSync(configFile, configYaml(newJobs, interval, ruleFiles));
      const response = await fetch(`${url}/-/reload`, { method: 'POST' });
      if (!response.ok) throw new TestkitError('prometheus', 'reload', `status ${response.status}`);
    },
  };
}
