// testkit: small readiness probes over loopback (TCP line protocols and HTTP status).

import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';

/** Sends `payload` over TCP and resolves with what the server answered first (or '' on error/timeout). */
export function tcpExchange(host: string, port: number, payload: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolveReply) => {
    const socket = connect({ host, port });
    const done = (reply: string) => {
      socket.destroy();
      resolveReply(reply);
    };
    socket.setTimeout(timeoutMs, () => done(''));
    socket.once('error', () => done(''));
    socket.once('connect', () => socket.write(payload));
    socket.once('data', (chunk) => done(chunk.toString('utf8')));
  });
}

/** True when a GET of `url` answers with a status in `okStatuses` (default 200). */
export async function httpOk(
  url: string,
  okStatuses: number[] = [200],
  init: RequestInit = {},
): Promise<boolean> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(3000) });
    await response.body?.cancel();
    return okStatuses.includes(response.status);
  } catch {
    return false;
  }
}

/** True when an HTTPS GET of `url` answers 200, without verifying the (self-signed) serving certificate. */
export function insecureHttpsOk(url: string): Promise<boolean> {
  return new Promise((resolveOk) => {
    const req = httpsRequest(url, { rejectUnauthorized: false, timeout: 3000 }, (res) => {
      res.resume();
      resolveOk(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveOk(false));
    req.end();
  });
}
