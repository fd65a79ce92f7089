/**
 * sim/http — the per-token write path of a stream. Node's `res.write` corks the socket, schedules
 * an uncork and issues a three-buffer `writev` per chunk; with thousands of streams and one chunk
 * per stream per step that is most of the simulator's CPU. So, for HTTP/1.1 (chunked transfer), a
 * chunk is framed here and written to the socket in one `write`; Node's own `res.end` still writes
 * the terminating chunk, after ours, on the same socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Writes one SSE event (`data: ...\n\n`) to the stream. */
export type ChunkWriter = (event: string) => void;

/** Sends the `text/event-stream` headers now and returns the fastest safe writer for this response. */
export function openEventStream(req: IncomingMessage, res: ServerResponse): ChunkWriter {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  if (req.httpVersion !== '1.1') return (event) => void res.write(event);
  res.flushHeaders();
  return (event) => {
    const socket = res.socket;
    if (!socket || socket.destroyed || res.writableEnded) return;
    socket.write(`${Buffer.byteLength(event).toString(16)}\r\n${event}\r\n`);
  };
}
