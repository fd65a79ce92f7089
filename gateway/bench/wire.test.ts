import { describe, expect, it } from 'vitest';
import { addedLatencyFromDump, burstTimelineFromDump, summarizeWire } from './wire.ts';

const PROXY = 8080;
const UP = 9000;
const CLIENT = 41000;
const POOL = 52000;

/** A `tcpdump -n -tt` line for a packet at `us` microseconds past 1700000000 s. */
function pkt(us: number, from: number, to: number, length: number): string {
  const t = 1_700_000_000 * 1e6 + us;
  const s = Math.floor(t / 1e6);
  const frac = String(t % 1e6).padStart(6, '0');
  return `${s}.${frac} IP 127.0.0.1.${from} > 127.0.0.1.${to}: Flags [P.], seq 1:${length + 1}, ack 1, win 512, length ${length}`;
}

/** One proxied request: client → proxy at t, proxy → upstream after `inUs`, upstream answers in `upUs`, proxy replies after `outUs`. */
function exchange(t: number, inUs: number, upUs: number, outUs: number): string[] {
  return [
    pkt(t, CLIENT, PROXY, 192),
    pkt(t + 5, PROXY, CLIENT, 0), // ACK, ignored
    pkt(t + inUs, POOL, UP, 250),
    pkt(t + inUs + upUs, UP, POOL, 300),
    pkt(t + inUs + upUs + outUs, PROXY, CLIENT, 400),
  ];
}

describe('addedLatencyFromDump', () => {
  it('measures each request as its time in the proxy minus the upstream time', () => {
    const lines = [...exchange(0, 100, 70, 90), ...exchange(1000, 40, 500, 60)];
    expect(addedLatencyFromDump(lines, { proxy: PROXY, upstream: UP })).toEqual([190, 100]);
  });

  it('spans a response in several packets from its first request byte to its last response byte', () => {
    const lines = [
      pkt(0, CLIENT, PROXY, 100),
      pkt(10, CLIENT, PROXY, 92), // the same request, second packet
      pkt(50, POOL, UP, 250),
      pkt(100, UP, POOL, 300),
      pkt(120, PROXY, CLIENT, 64), // headers and first events
      pkt(400, UP, POOL, 300),
      pkt(450, PROXY, CLIENT, 200),
    ];
    // in the proxy 0..450, upstream 50..400
    expect(addedLatencyFromDump(lines, { proxy: PROXY, upstream: UP })).toEqual([100]);
  });

  it('leaves out requests the proxy answered without the upstream and a capture that starts mid-request', () => {
    const lines = [
      pkt(0, UP, POOL, 300), // the tail of a request before the capture
      pkt(5, PROXY, CLIENT, 400),
      pkt(100, CLIENT, PROXY, 192),
      pkt(150, PROXY, CLIENT, 120), // a 400 from the proxy itself
      ...exchange(1000, 30, 30, 30),
    ];
    expect(addedLatencyFromDump(lines, { proxy: PROXY, upstream: UP })).toEqual([60]);
  });

  it('times the upstream leg on the connection that carried the request, not on another one beside it', () => {
    const SCRAPE = 53000;
    const lines = [
      pkt(0, CLIENT, PROXY, 192),
      pkt(40, POOL, UP, 250),
      pkt(60, SCRAPE, UP, 80), // the gateway's metrics scrape on its own connection
      pkt(100, UP, POOL, 300),
      pkt(130, PROXY, CLIENT, 400),
      pkt(140, UP, SCRAPE, 900),
    ];
    // in the proxy 0..130, upstream 40..100
    expect(addedLatencyFromDump(lines, { proxy: PROXY, upstream: UP })).toEqual([70]);
  });

  it('summarises to p50 and p99', () => {
    const added = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(summarizeWire(added)).toEqual({ requests: 200, p50Us: 100, p99Us: 198 });
    expect(summarizeWire([])).toBeUndefined();
  });
});

describe('burstTimelineFromDump', () => {
  it('times each connection: request in, first request upstream, first byte back out, from the first request', () => {
    const lines: string[] = [];
    // 100 clients, the k-th arriving at k ms; the proxy forwards each 10k ms after the burst began (a
    // proxy falling behind), and answers each 60 ms after forwarding.
    for (let k = 0; k < 100; k++) {
      const client = 41000 + k;
      const pooled = 52000 + k;
      lines.push(pkt(k * 1000, client, PROXY, 192));
      lines.push(pkt(k * 10_000, pooled, UP, 250));
      lines.push(pkt(k * 10_000 + 50_000, UP, pooled, 300));
      lines.push(pkt(k * 10_000 + 60_000, PROXY, client, 300));
      lines.push(pkt(k * 10_000 + 70_000, PROXY, client, 120)); // a later event: not the first byte
      lines.push(pkt(k * 10_000 + 80_000, pooled, UP, 0)); // an ACK
    }
    lines.sort(); // by timestamp, as tcpdump prints them
    const t = burstTimelineFromDump(lines, { proxy: PROXY, upstream: UP });
    expect(t).toEqual({
      requests: 100,
      upstreamSentP50Ms: 490,
      upstreamSentP99Ms: 980,
      firstByteOutP50Ms: 550,
      firstByteOutP99Ms: 1040,
    });
  });

  it('says nothing for a capture without requests', () => {
    expect(burstTimelineFromDump([pkt(0, UP, POOL, 300)], { proxy: PROXY, upstream: UP })).toBeUndefined();
  });
});
