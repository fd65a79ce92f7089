/**
 * The API port's accept queue: a burst of new clients beyond Node's default 511 would have SYNs dropped, each
 * retried only after a second. The kernel reports a listening socket's backlog as its Send-Q (`ss -ltn`).
 */
import { describe, expect, it } from 'vitest';
import { startTestGateway } from './testing/harness.ts';
import { listenBacklog, somaxconn } from './testing/sockets.ts';

const portOf = (url: string) => Number(new URL(url).port);

describe('API listen backlog', () => {
  it('is 4096 by default (the kernel caps it at somaxconn), not Node’s 511', async () => {
    const gateway = await startTestGateway({ endpoints: [] });
    try {
      expect(listenBacklog(portOf(gateway.url))).toBe(Math.min(4096, somaxconn()));
    } finally {
      await gateway.shutdown(0);
    }
  });

  it('follows server.listenBacklog', async () => {
    const gateway = await startTestGateway({ endpoints: [], server: { listenBacklog: 1234 } });
    try {
      expect(listenBacklog(portOf(gateway.url))).toBe(Math.min(1234, somaxconn()));
    } finally {
      await gateway.shutdown(0);
    }
  });
});
