/**
 * sim/text — what the simulated model "says": a seeded stream of words from a small vocabulary,
 * each word one output token. The JSON form of every word is computed once, so emitting a token in
 * a stream is a lookup and a string concatenation.
 */
import { fnv1a, Prng } from './hash.ts';
import { pieceId } from './tokenizer.ts';

const WORDS = (
  'the of and to in is that for it as with was on be by this are or from at an which but not have ' +
  'has had one can all their there been if more when will would who so no its into than them only ' +
  'some could time these two may then first any like other such what over also new after most made ' +
  'way many where well before must through back years much good three used because system model ' +
  'serving token request engine cache batch latency queue gateway replica traffic load memory block ' +
  'prefix stream answer question result value number data simple fast small large each every state'
).split(' ');

const PUNCTUATION = ['.', ',', '.', ';'];

/** One output token: its text, id, and the JSON string literal of its text. */
export interface OutputToken {
  text: string;
  id: number;
  json: string;
}

function makeToken(text: string): OutputToken {
  return { text, id: pieceId(text), json: JSON.stringify(text) };
}

/** Tokens with a leading space (mid-text) and without (first token of a reply). */
const SPACED: readonly OutputToken[] = [
  ...WORDS.map((w) => makeToken(` ${w}`)),
  ...PUNCTUATION.map(makeToken),
];
const LEADING: readonly OutputToken[] = WORDS.map((w) => makeToken(w[0]!.toUpperCase() + w.slice(1)));

/**
 * The seed a request's output is drawn from when it names one: the request's `seed` mixed with its
 * prompt (same seed and prompt, same reply; same seed, other prompt, other reply).
 */
export function outputSeed(promptIds: readonly number[], seed: number): number {
  let h = fnv1a(String(seed));
  for (let i = 0; i < promptIds.length; i++) h = Math.imul(h ^ promptIds[i]!, 0x01000193) >>> 0;
  return h;
}

/** Greedy seed: the prompt alone decides the output. */
export function greedySeed(promptIds: readonly number[]): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < promptIds.length; i++) h = Math.imul(h ^ promptIds[i]!, 0x01000193) >>> 0;
  return h;
}

/** Draws a reply token by token. */
export class TextGenerator {
  readonly #prng: Prng;
  #count = 0;
  #sincePunct = 0;

  constructor(seed: number) {
    this.#prng = new Prng(seed);
  }

  /** Picks the natural reply length in [lo, hi] (used when the request sets no `max_tokens`). */
  naturalLength(lo: number, hi: number): number {
    return this.#prng.int(lo, hi);
  }

  /** The next token. */
  next(): OutputToken {
    const r = this.#prng.next();
    const first = this.#count === 0;
    this.#count++;
    if (first) return LEADING[r % LEADING.length]!;
    this.#sincePunct++;
    if (this.#sincePunct > 4 && r % 9 === 0) {
      this.#sincePunct = 0;
      return SPACED[WORDS.length + (r % PUNCTUATION.length)]!;
    }
    return SPACED[r % WORDS.length]!;
  }
}
