/**
 * Server-Sent Events relay logic, pure: takes upstream chunks, returns what to forward to the client, and
 * reports what it saw (tokens, usage). Complete events are forwarded as soon as they arrive (no buffering
 * beyond a partial event); the usage-only event is dropped when the client did not ask for it.
 */
import type { Usage } from '@switchyard/api';

/** What the relay tells its owner about the stream. */
export interface RelayObserver {
  /** A data event carrying generated text (the first one marks TTFT). */
  onToken(): void;
  /** The usage the engine reported. */
  onUsage(usage: Usage): void;
}

const BOUNDARY = Buffer.from('\n\n');
const HAS_TOKEN = /"(?:content|text|reasoning_content)":"(?!")|"tool_calls":\[\{/;

/** Splits an SSE byte stream into events and filters them. */
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
    const text = complete.toString('utf8');
    let dropFrom = -1;
    let dropTo = -1;
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n\n', start);
      if (end < 0) end = text.length;
      const event = text.slice(start, end);
      if (event.includes('"usage":{')) {
        const usage = parseUsageEvent(event);
        if (usage) {
          this.#observer.onUsage(usage.usage);
          if (this.#stripUsage && usage.usageOnly) {
            dropFrom = start;
            dropTo = Math.min(end + 2, text.length);
          }
        }
      }
      if (HAS_TOKEN.test(event)) this.#observer.onToken();
      start = end + 2;
    }
    if (dropFrom < 0) return complete;
    const kept = text.slice(0, dropFrom) + text.slice(dropTo);
    return kept.length > 0 ? Buffer.from(kept) : undefined;
  }
}

function parseUsageEvent(event: string): { usage: Usage; usageOnly: boolean } | undefined {
  const dataStart = event.indexOf('data:');
  if (dataStart < 0) return undefined;
  try {
    const json = JSON.parse(event.slice(dataStart + 5)) as { usage?: Usage; choices?: unknown[] };
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
