// SHA-256 helpers: streaming file digests (never the whole file in memory) and the hex/base64 forms that
// the manifest (hex) and S3's x-amz-checksum-sha256 header (base64) use for the same 32 bytes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Lower-case hex SHA-256 of a buffer. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Converts a hex SHA-256 to the base64 form S3 checksum headers carry. */
export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/** Converts a base64 S3 checksum to hex. */
export function base64ToHex(b64: string): string {
  return Buffer.from(b64, 'base64').toString('hex');
}

/** Streams a file (or a byte range of it) through SHA-256; memory stays at one read buffer. */
export async function sha256File(path: string, range?: { start: number; end: number }): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(path, {
    highWaterMark: 1024 * 1024,
    ...(range ? { start: range.start, end: range.end - 1 } : {}),
  });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Streams any async iterable of bytes through SHA-256, returning the hex digest and the byte count. */
export async function sha256Stream(
  body: AsyncIterable<Uint8Array>,
  onBytes?: (n: number) => void,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    size += chunk.byteLength;
    onBytes?.(chunk.byteLength);
  }
  return { sha256: hash.digest('hex'), size };
}
