/**
 * Server-Sent Events relay logic, pure: takes upstream chunks, returns what to forward to the client, and
 * reports what it saw (tokens, usage). Complete events are forwarded as soon as they arrive (no buffering
 * beyond a partial event); the usage-only event is dropped when the client did not ask for it.
 */
import type { Usage } from '@switchyard/api';

/** What the relay tells its owner about the stream. */
export interface RelayObserver {
  /** `count` data events carrying generated text arrived together (the first such call marks TTFT). */
  onTokens(count: number): void;
  /** The usage the engine reported. */
  onUsage(usage: Usage): void;
}

const BOUNDARY = Buffer.from('\n\n');
/** A data event carries generated text; global, so one scan over a chunk finds them all. */
const TOKEN = /"(?:content|text|reasoning_content)":"(?!")|"tool_calls":\[\{/g;
const USAGE = '"usage":{';

/**
 * Splits an SSE byte stream into events and filters them.
 *
 * A chunk of complete events is inspected in one pass, as a latin1 string: one character per byte, so the
 * positions found there are byte offsets into the chunk (every marker searched for is ASCII, and no byte of
 * a multi-byte UTF-8 character is ASCII). The usage event is cut from the chunk's bytes, not re-encoded.
 */
export class SseRelay {
  readonly #stripUsage: boolean;
  readonly #observer: RelayObserver;
  #pending: Buffer | undefined;

  /** `stripUsage`: the gateway asked for usage on the client's behalf, so the usage event is not forwarded. */
  constructor(stripUsage: boolean, observer: RelayObserver) {
    this.#stripUsage = stripUsage;
    this.#observer = observer;
  }

  /** Feeds one upstream chunk; returns the bytes to forward now (undefined: nothing yet). */
  push(chunk: Buffer): Buffer | undefined {
    const data = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    const end = data.lastIndexOf(BOUNDARY);
    if (end < 0) {
      this.#pending = data;
      return undefined;
    }
    const cut = end + 2;
    this.#pending = cut < data.length ? data.subarray(cut) : undefined;
    const complete = cut === data.length ? data : data.subarray(0, cut);
    return this.#inspect(complete);
  }

  /** Whatever partial event is left when the upstream ends (forwarded as is). */
  flush(): Buffer | undefined {
    const rest = this.#pending;
    this.#pending = undefined;
    return rest && rest.length > 0 ? (this.#inspect(rest) ?? undefined) : undefined;
  }

  #inspect(complete: Buffer): Buffer | undefined {
    const text = complete.toString('latin1');
    const length = text.length;
    let tokens = 0;
    TOKEN.lastIndex = 0;
    while (TOKEN.test(text)) {
      tokens++;
      // One count per event: go on from the end of the event that matched.
      const next = text.indexOf('\n\n', TOKEN.lastIndex);
      if (next < 0) break;
      TOKEN.lastIndex = next + 2;
    }
    TOKEN.lastIndex = 0;
    if (tokens > 0) this.#observer.onTokens(tokens);

    // The engine reports usage last (with continuous usage stats, in every event): the last one is current.
    const at = text.lastIndexOf(USAGE);
    if (at < 0) return complete;
    const before = text.lastIndexOf('\n\n', at);
    const from = before < 0 ? 0 : before + 2;
    const after = text.indexOf('\n\n', at);
    const to = after < 0 ? length : after;
    const usage = parseUsageEvent(complete, text, from, to);
    if (!usage) return complete;
    this.#observer.onUsage(usage.usage);
    if (!this.#stripUsage || !usage.usageOnly) return complete;
    const dropTo = Math.min(to + 2, length);
    if (from === 0) return dropTo < length ? complete.subarray(dropTo) : undefined;
    if (dropTo === length) return complete.subarray(0, from);
    return Buffer.concat([complete.subarray(0, from), complete.subarray(dropTo)]);
  }
}

/** The usage of the event at bytes [from, to) of `chunk` (`text` is the chunk as latin1). */
function parseUsageEvent(
  chunk: Buffer,
  text: string,
  from: number,
  to: number,
): { usage: Usage; usageOnly: boolean } | undefined {
  const data = text.indexOf('data:', from);
  if (data < 0 || data >= to) return undefined;
  try {
    const json = JSON.parse(chunk.toString('utf8', data + 5, to)) as { usage?: Usage; choices?: unknown[] };
    if (!json.usage) return undefined;
    return { usage: json.usage, usageOnly: !json.choices || json.choices.length === 0 };
  } catch {
    return undefined;
  }
}

/** An SSE error event as vLLM and OpenAI send it mid-stream. */
export function sseErrorEvent(message: string, type: string, code: string | null): string {
  return `data: ${JSON.stringify({ error: { message, type, param: null, code } })}\n\n`;
}
