/**
 * sim/text — the text of one reply as it grows token by token, with vLLM's stop-string rules:
 * the stop string is not part of the output, and while streaming, text that could still turn
 * into a stop string is held back until it cannot (so a stream never shows a stop string's head).
 */

/** What a new token contributes. */
export interface ReplyStep {
  /** Text that may be sent now ('' while held back). */
  emit: string;
  /** True when a stop string matched; the reply ends here. */
  stopped: boolean;
}

/** A growing reply. */
export class ReplyText {
  readonly #stops: readonly string[];
  readonly #holdBack: number;
  #text = '';
  #emitted = 0;
  /** The stop string that ended the reply, if any. */
  stopReason: string | null = null;

  constructor(stops: readonly string[], streaming: boolean) {
    this.#stops = stops.filter((s) => s.length > 0);
    const longest = Math.max(0, ...this.#stops.map((s) => s.length));
    this.#holdBack = streaming && longest > 0 ? longest - 1 : 0;
  }

  /** The reply so far (without any stop string). */
  get text(): string {
    return this.#text;
  }

  /** Appends a token's text. */
  push(piece: string): ReplyStep {
    const from = Math.max(0, this.#text.length - this.#holdBack - 1);
    this.#text += piece;
    for (const stop of this.#stops) {
      const at = this.#text.indexOf(stop, from);
      if (at >= 0) {
        this.#text = this.#text.slice(0, at);
        this.stopReason = stop;
        return { emit: this.flush(), stopped: true };
      }
    }
    const upTo = this.#text.length - this.#holdBack;
    if (upTo <= this.#emitted) return { emit: '', stopped: false };
    const emit = this.#text.slice(this.#emitted, upTo);
    this.#emitted = upTo;
    return { emit, stopped: false };
  }

  /** Everything not yet emitted (at the end of the reply). */
  flush(): string {
    const rest = this.#text.slice(this.#emitted);
    this.#emitted = this.#text.length;
    return rest;
  }
}
