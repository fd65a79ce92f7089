/**
 * sim/bench — a lean closed-loop streaming client, run as its own process so its work does not
 * share the simulator's event loop. Each of `concurrency` users sends a streaming chat completion
 * and, when it ends, the next. Prints one JSON line with client-side TTFT and TPOT figures.
 *
 * Usage: node sim/bench/stream-client.ts <url> <model> <concurrency> <durationMs> <maxTokens> [promptWords]
 */
import { Agent, request } from 'node:http';

const [url, model, concurrencyArg, durationArg, maxTokensArg, promptWordsArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const durationMs = Number(durationArg);
const maxTokens = Number(maxTokensArg);
const promptWords = Number(promptWordsArg ?? 60);
const target = new URL('/v1/chat/completions', url);
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

const ttfts: number[] = [];
const tpots: number[] = [];
/** In-flight streams: [first token ms, last token ms, tokens], so a cut-off stream still counts. */
const open = new Set<{ first: number; last: number; count: number }>();
let tokens = 0;
let requests = 0;
let errors = 0;
const errorKinds = new Map<string, number>();
const countError = (kind: string) => {
  errors++;
  errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
};
let stopping = false;
const start = performance.now();

function body(user: number, n: number): string {
  const words = Array.from({ length: promptWords }, (_, i) => `word${(user * 31 + n * 7 + i) % 997}`).join(
    ' ',
  );
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: words }],
    max_tokens: maxTokens,
    ignore_eos: true,
    stream: true,
    stream_options: { include_usage: true },
  });
}

function send(user: number, n: number): void {
  if (stopping) return;
  const sent = performance.now();
  const st = { first: Number.NaN, last: Number.NaN, count: 0 };
  open.add(st);
  const payload = body(user, n);
  const req = request(
    target,
    {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    },
    (res) => {
      if (res.statusCode !== 200) {
        countError(`http ${res.statusCode}`);
        res.resume();
        res.on('end', () => send(user, n + 1));
        return;
      }
      res.on('data', (chunk: Buffer) => {
        const now = performance.now();
        // Count token events cheaply: every chunk event carries `"content":"` except the opening one.
        let i = chunk.indexOf('"content":"');
        while (i >= 0) {
          if (chunk[i + 11] !== 0x22) {
            st.count++;
            tokens++;
            if (Number.isNaN(st.first)) {
              st.first = now;
              ttfts.push(now - sent);
            }
            st.last = now;
          }
          i = chunk.indexOf('"content":"', i + 11);
        }
      });
      res.on('end', () => {
        requests++;
        open.delete(st);
        if (st.count > 1) tpots.push((st.last - st.first) / (st.count - 1));
        send(user, n + 1);
      });
      res.on('error', (e: NodeJS.ErrnoException) => countError(e.code ?? e.message));
    },
  );
  req.on('error', (e: NodeJS.ErrnoException) => {
    countError(e.code ?? e.message);
    open.delete(st);
    if (!stopping) setTimeout(() => send(user, n + 1), 50);
  });
  req.end(payload);
}

function pct(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
}

for (let u = 0; u < concurrency; u++) setTimeout(() => send(u, 0), (u * 1000) / Math.max(concurrency, 1) / 2);
setTimeout(() => {
  stopping = true;
  for (const st of open) if (st.count > 1) tpots.push((st.last - st.first) / (st.count - 1));
  const elapsed = (performance.now() - start) / 1000;
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
  process.stdout.write(
    `${JSON.stringify({
      concurrency,
      requests,
      errors,
      errorKinds: Object.fromEntries(errorKinds),
      tokensPerSecond: tokens / elapsed,
      ttftP50Ms: pct(ttfts, 0.5),
      ttftP99Ms: pct(ttfts, 0.99),
      tpotMeanMs: mean(tpots),
      tpotP50Ms: pct(tpots, 0.5),
    })}\n`,
  );
  agent.destroy();
  process.exit(0);
}, durationMs);
