// SHA-256 off the main thread. Two worker threads: one keeps running whole-file digests (fed in order),
// one hashes single parts. Upload and download buffers live in shared memory, so the main thread can send
// or write a part while the workers read it, and a part's digest (needed before its upload) never waits
// behind the whole-file digest (needed only at the end).
import { Worker } from 'node:worker_threads';

// Plain JavaScript so it runs in a worker without any loader.
const workerSource = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const digests = new Map();
parentPort.on('message', (m) => {
  try {
    const bytes = m.buffer ? new Uint8Array(m.buffer, m.offset, m.length) : undefined;
    if (m.op === 'part') {
      parentPort.postMessage({ id: m.id, hex: createHash('sha256').update(bytes).digest('hex') });
    } else if (m.op === 'update') {
      let h = digests.get(m.stream);
      if (!h) digests.set(m.stream, (h = createHash('sha256')));
      h.update(bytes);
      // Memory that was transferred (not shared) goes back to the caller.
      if (m.buffer instanceof SharedArrayBuffer) parentPort.postMessage({ id: m.id });
      else parentPort.postMessage({ id: m.id, buffer: m.buffer }, [m.buffer]);
    } else if (m.op === 'digest') {
      const h = digests.get(m.stream) ?? createHash('sha256');
      digests.delete(m.stream);
      parentPort.postMessage({ id: m.id, hex: h.digest('hex') });
    } else if (m.op === 'discard') {
      digests.delete(m.stream);
      parentPort.postMessage({ id: m.id });
    }
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) });
  }
});
`;

interface Reply {
  id: number;
  hex?: string;
  error?: string;
  buffer?: ArrayBuffer;
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

  /** Sends `bytes` as shared memory, or (with `move`) moves its whole ArrayBuffer to the worker. */
  call(message: Record<string, unknown>, bytes?: Buffer, move = false): Promise<Reply> {
    const id = this.#nextId++;
    const buffer = bytes ? (move ? ownedMemoryOf(bytes) : sharedMemoryOf(bytes)) : undefined;
    const memory = bytes ? { buffer, offset: bytes.byteOffset, length: bytes.byteLength } : {};
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, (reply) => (reply.error ? reject(new Error(reply.error)) : resolve(reply)));
      this.#worker.postMessage({ ...message, ...memory, id }, move ? [buffer as ArrayBuffer] : []);
    });
  }
}

function sharedMemoryOf(bytes: Buffer): SharedArrayBuffer {
  if (!(bytes.buffer instanceof SharedArrayBuffer)) {
    throw new Error('hashing in a worker needs a buffer in shared memory (use sharedBuffer)');
  }
  return bytes.buffer;
}

// Memory that may be moved to the worker: only what ownedBuffer made (never Node's shared Buffer pool).
const movable = new WeakSet<ArrayBuffer>();

function ownedMemoryOf(bytes: Buffer): ArrayBuffer {
  const memory = bytes.buffer as ArrayBuffer;
  if (!movable.has(memory)) throw new Error('moving memory to a worker needs a buffer from ownedBuffer');
  return memory;
}

/** A buffer that owns its memory, which WorkerDigest.updateMoving may move to the worker and back. */
export function ownedBuffer(length: number): Buffer {
  const buffer = Buffer.allocUnsafeSlow(length);
  movable.add(buffer.buffer as ArrayBuffer);
  return buffer;
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
  /**
   * Feeds `bytes` by moving its whole memory (an ownedBuffer or a slice of one) to the
   * worker and back, with no copy; resolves with a Buffer over that whole memory, the only valid handle
   * afterwards. Cheaper than shared memory when the caller fills the buffer from JavaScript.
   */
  updateMoving(bytes: Buffer): Promise<Buffer>;
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
    async updateMoving(bytes) {
      if (bytes.buffer instanceof SharedArrayBuffer) {
        await thread.call({ op: 'update', stream }, bytes);
        return Buffer.from(bytes.buffer);
      }
      const reply = await thread.call({ op: 'update', stream }, bytes, true);
      movable.add(reply.buffer!);
      return Buffer.from(reply.buffer!);
    },
    async digest() {
      return (await thread.call({ op: 'digest', stream })).hex!;
    },
    discard() {
      thread.call({ op: 'discard', stream }).catch(() => {});
    },
  };
}
