/**
 * Many concurrent SSE streams through a proxy: does every stream get every chunk, how long did a client wait
 * for its first chunk (a stream queued behind a connection cap waits here), and what is the longest silence a
 * client saw between two chunks (a stall shows as a gap far above the upstream's interval)?
 */
import { percentile } from '@switchyard/testkit';
import { Agent, request } from 'undici';

/** Outcome of a concurrent-streams run. */
export interface StreamsResult {
  streams: number;
  completed: number;
  chunksPerStream: number;
  /** Longest wait from sending the request to the first chunk of the body, any client, ms. */
  maxFirstChunkMs: number;
  /** 99th percentile over streams of the wait for the first chunk, ms. */
  p99FirstChunkMs: number;
  /** Longest gap between two chunks any client saw, ms. */
  maxGapMs: number;
  /** 99th percentile over streams of each stream's longest gap, ms. */
  p99GapMs: number;
  seconds: number;
}

/** Opens `streams` concurrent streaming requests to `url` and reads them to the end. */
export async function runConcurrentStreams(
  url: string,
  streams: number,
  expectedEvents: number,
): Promise<StreamsResult> {
  const agent = new Agent({ connections: streams, pipelining: 1 });
  const body = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'hi' }], stream: true });
  const started = performance.now();
  const gaps: number[] = [];
  const firstChunks: number[] = [];
  let completed = 0;
  await Promise.all(
    Array.from({ length: streams }, async () => {
      const sent = performance.now();
      try {
        const response = await request(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
          dispatcher: agent,
          bodyTimeout: 30_000,
          headersTimeout: 30_000,
        });
        let last: number | undefined;
        let maxGap = 0;
        let events = 0;
        for await (const chunk of response.body) {
          const now = performance.now();
          if (last === undefined) firstChunks.push(now - sent);
          else maxGap = Math.max(maxGap, now - last);
          last = now;
          events += (chunk as Buffer).toString().split('\n\n').length - 1;
        }
        gaps.push(maxGap);
        if (events >= expectedEvents) completed++;
      } catch {
        gaps.push(Number.POSITIVE_INFINITY);
        firstChunks.push(Number.POSITIVE_INFINITY);
      }
    }),
  );
  await agent.close();
  return {
    streams,
    completed,
    chunksPerStream: expectedEvents,
    maxFirstChunkMs: Math.max(0, ...firstChunks),
    p99FirstChunkMs: firstChunks.length ? percentile(firstChunks, 0.99) : 0,
    maxGapMs: Math.max(0, ...gaps),
    p99GapMs: gaps.length ? percentile(gaps, 0.99) : 0,
    seconds: (performance.now() - started) / 1000,
  };
}
