import { describe, expect, it } from 'vitest';
import { addedLatencyFromDump, summarizeWire } from './wire.ts';

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
