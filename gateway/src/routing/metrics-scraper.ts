/**
 * Scrapes each endpoint's `/metrics` on an interval and keeps the latest {@link EngineLoad} per endpoint.
 * A failed scrape keeps the previous sample, which ages until scorers ignore it as stale.
 */
import type { Scheduler } from '../ratelimit/clock.ts';
import { systemScheduler } from '../ratelimit/clock.ts';
import { parseEngineLoad } from './engine-load.ts';
import type { EngineLoad } from './types.ts';

/** An endpoint to scrape. */
export interface ScrapeTarget {
  id: string;
  url: string;
  model?: string;
}

/** Options of {@link createMetricsScraper}. */
export interface MetricsScraperOptions {
  intervalMs: number;
  timeoutMs: number;
  clock?: Scheduler;
  fetch?: typeof fetch;
  /** Called after each successful scrape (e.g. to wake the admission queue). */
  onLoad?: (id: string, load: EngineLoad) => void;
}

/** The scraper's surface. */
export interface MetricsScraper {
  /** Replaces the set of endpoints; samples of removed ones are dropped. */
  setTargets(targets: readonly ScrapeTarget[]): void;
  /** Latest sample of an endpoint. */
  get(id: string): EngineLoad | undefined;
  /** Scrapes every target once (the interval loop calls this). */
  scrapeOnce(): Promise<void>;
  start(): void;
  stop(): void;
}

/** Creates a {@link MetricsScraper}; call `start()` to begin the interval. */
export function createMetricsScraper(options: MetricsScraperOptions): MetricsScraper {
  const clock = options.clock ?? systemScheduler;
  const doFetch = options.fetch ?? fetch;
  let targets: ScrapeTarget[] = [];
  const loads = new Map<string, EngineLoad>();
  let timer: ReturnType<Scheduler['setTimeout']> | undefined;
  let running = false;

  async function scrape(target: ScrapeTarget): Promise<void> {
    try {
      const res = await doFetch(`${target.url.replace(/\/$/, '')}/metrics`, {
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!res.ok) return;
      const load = parseEngineLoad(await res.text(), clock.now(), target.model);
      if (load && targets.some((t) => t.id === target.id)) {
        loads.set(target.id, load);
        options.onLoad?.(target.id, load);
      }
    } catch {
      // Keep the last sample; staleness handles a pod that stopped answering.
    }
  }

  const scraper: MetricsScraper = {
    setTargets(next) {
      targets = [...next];
      const ids = new Set(targets.map((t) => t.id));
      for (const id of loads.keys()) if (!ids.has(id)) loads.delete(id);
    },
    get: (id) => loads.get(id),
    async scrapeOnce() {
      await Promise.all(targets.map(scrape));
    },
    start() {
      if (running || options.intervalMs <= 0) return;
      running = true;
      const loop = async () => {
        await scraper.scrapeOnce();
        if (running) timer = clock.setTimeout(loop, options.intervalMs);
      };
      void loop();
    },
    stop() {
      running = false;
      if (timer) clock.clearTimeout(timer);
    },
  };
  return scraper;
}
