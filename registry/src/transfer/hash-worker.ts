// SHA-256 off the main thread. Two worker threads: one keeps running whole-file digests, one hashes single
// parts. Upload buffers live in shared memory, so the main thread can send a part while the workers read
// it, and a part's digest (needed before its upload) never waits behind the whole-file digest (needed
// only at the end). Downloads need no buffers at all: the digest worker follows the file on disk, reading
// (from the page cache) each stretch the main thread reports written, in order, while the rest arrives.
import { Worker } from 'node:worker_threads';

// Plain JavaScript so it runs in a worker without any loader.
const workerSource = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { closeSync, openSync, readSync } = require('node:fs');
const digests = new Map();
const followed = new Map();
// Small enough to stay in the core's cache between the read and the hash.
const slice = Buffer.allocUnsafe(256 * 1024);
function catchUp(f, to) {
  while (f.error === undefined && !f.short && f.hashed < to) {
    const n = readSync(f.fd, slice, 0, Math.min(slice.length, to - f.hashed), f.hashed);
    if (n === 0) f.short = true; // the file ends early: the digest will not match
    else {
      f.hash.update(n === slice.length ? slice : slice.subarray(0, n));
      f.hashed += n;
    }
  }
}
function closeFollowed(stream) {
  const f = followed.get(stream);
  followed.delete(stream);
  if (f && f.fd !== undefined) closeSync(f.fd);
  return f;
}
parentPort.on('message', (m) => {
  try {
    if (m.op === 'follow') {
      const f = { hash: createHash('sha256'), hashed: 0, short: false };
      followed.set(m.stream, f);
      try { f.fd = openSync(m.path, 'r'); } catch (err) { f.error = String(err.message || err); }
    } else if (m.op === 'advance') {
      const f = followed.get(m.stream);
      if (f) try { catchUp(f, m.to); } catch (err) { f.error = String(err.message || err); }
    } else if (m.op === 'finish') {
      const f = followed.get(m.stream);
      if (f) try { catchUp(f, m.to); } catch (err) { f.error = String(err.message || err); }
      closeFollowed(m.stream);
      if (!f || f.error !== undefined) throw new Error((f && f.error) || 'unknown file digest');
      parentPort.postMessage({ id: m.id, hex: f.hash.digest('hex'), hashed: f.hashed });
    } else if (m.op === 'unfollow') {
      closeFollowed(m.stream);
    } else if (m.op === 'part') {
      const bytes = new Uint8Array(m.buffer, m.offset, m.length);
      parentPort.postMessage({ id: m.id, hex: createHash('sha256').update(bytes).digest('hex') });
    } else if (m.op === 'update') {
      let h = digests.get(m.stream);
      if (!h) digests.set(m.stream, (h = createHash('sha256')));
      h.update(new Uint8Array(m.buffer, m.offset, m.length));
      parentPort.postMessage({ id: m.id });
    } else if (m.op === 'digest') {
      const h = digests.get(m.stream) ?? createHash('sha256');
      digests.delete(m.stream);
      parentPort.postMessage({ id: m.id, hex: h.digest('hex') });
    } else if (m.op === 'discard') {
      digests.delete(m.stream);
    }
  } catch (err) {
    if (m.id !== undefined) parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) });
  }
});
`;

interface Reply {
  id: number;
  hex?: string;
  hashed?: number;
  error?: string;
}

class HashThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, (reply: Reply) => void>();
  #nextId = 1;

  constructor() {
    this.#worker = new Worker(workerSource, { eval: true });
    this.#worker.on('message', (reply: Reply) => {
      this.#pending.get(reply.id)?.(reply);
      this.#pending.delete(reply.id);
      // Keep the process alive only while an answer is awaited.
      if (this.#pending.size === 0) this.#worker.unref();
    });
    this.#worker.unref();
  }

  /** Sends a message that expects an answer; `bytes` (shared memory) is read in place by the worker. */
  call(message: Record<string, unknown>, bytes?: Buffer): Promise<Reply> {
    const id = this.#nextId++;
    const memory = bytes
      ? { buffer: sharedMemoryOf(bytes), offset: bytes.byteOffset, length: bytes.byteLength }
      : {};
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, (reply) => (reply.error ? reject(new Error(reply.error)) : resolve(reply)));
      this.#worker.postMessage({ ...message, ...memory, id });
    });
  }

  /** Sends a message that expects no answer (handled in order with every other message). */
  tell(message: Record<string, unknown>): void {
    this.#worker.postMessage(message);
  }
}

function sharedMemoryOf(bytes: Buffer): SharedArrayBuffer {
  if (!(bytes.buffer instanceof SharedArrayBuffer)) {
    throw new Error('hashing in a worker needs a buffer in shared memory (use sharedBuffer)');
  }
  return bytes.buffer;
}

let digestThread: HashThread | undefined;
let partThread: HashThread | undefined;
let nextStream = 1;

/** A buffer in shared memory that the hashing workers can read without a copy. */
export function sharedBuffer(length: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(length));
}

/** SHA-256 (hex) of one part, computed in the part worker. `bytes` must come from sharedBuffer. */
export async function sha256Part(bytes: Buffer): Promise<string> {
  partThread ??= new HashThread();
  return (await partThread.call({ op: 'part' }, bytes)).hex!;
}

/** An in-order SHA-256 of one file, computed in the digest worker. */
export interface WorkerDigest {
  /** Feeds `bytes` (from sharedBuffer; unchanged until this resolves) to the digest, in call order. */
  update(bytes: Buffer): Promise<void>;
  /** The hex digest of everything fed so far. */
  digest(): Promise<string>;
  /** Forgets the running digest (after a failure). */
  discard(): void;
}

/** Starts a running digest in the digest worker (threads are created on first use, never keep the process alive). */
export function workerDigest(): WorkerDigest {
  digestThread ??= new HashThread();
  const thread = digestThread;
  const stream = nextStream++;
  return {
    async update(bytes) {
      await thread.call({ op: 'update', stream }, bytes);
    },
    async digest() {
      return (await thread.call({ op: 'digest', stream })).hex!;
    },
    discard() {
      thread.tell({ op: 'discard', stream });
    },
  };
}

/** The SHA-256 of a file's bytes as they land on disk, computed by the digest worker reading behind the writer. */
export interface FileFollower {
  /**
   * Reports that bytes `[0, to)` are written (their writes have completed). The worker reads and hashes
   * what it has not yet seen, in order; reports closer than `stepBytes` to the last one are batched.
   */
  advance(to: number): void;
  /** Hashes up to `size` and returns the digest and how many bytes the file really had (≤ size). */
  finish(size: number): Promise<{ sha256: string; hashedBytes: number }>;
  /** Stops following (after a failure); the worker closes the file. */
  discard(): void;
}

/** Reports to the worker at most every this many bytes (fewer messages; the worker reads in slices anyway). */
const followStepBytes = 4 * 1024 * 1024;

/**
 * Starts hashing the file at `path` in the digest worker as the caller reports bytes written. The worker
 * opens its own descriptor, so the caller may close or keep its handle as it likes.
 */
export function followFile(path: string): FileFollower {
  digestThread ??= new HashThread();
  const thread = digestThread;
  const stream = nextStream++;
  let told = 0;
  thread.tell({ op: 'follow', stream, path });
  return {
    advance(to) {
      if (to - told < followStepBytes) return;
      told = to;
      thread.tell({ op: 'advance', stream, to });
    },
    async finish(size) {
      const reply = await thread.call({ op: 'finish', stream, to: size });
      return { sha256: reply.hex!, hashedBytes: reply.hashed! };
    },
    discard() {
      thread.tell({ op: 'unfollow', stream });
    },
  };
}

/** SHA-256 (hex) of a whole file, read and hashed in the digest worker; undefined if shorter than `size`. */
export async function sha256FileInWorker(path: string, size: number): Promise<string | undefined> {
  const { sha256, hashedBytes } = await followFile(path).finish(size);
  return hashedBytes === size ? sha256 : undefined;
}
