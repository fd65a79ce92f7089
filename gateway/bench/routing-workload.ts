/**
 * The routing bench's workload, shared by `routing-bench.ts` (HTTP, real processes) and `routing-model.ts`
 * (simulated time): requests drawn from a seeded PRNG, so a slice replays the same arrivals and bodies
 * for every policy.
 */

/** A PRNG returning values in [0,1). */
export type Random = () => number;

/** A seeded PRNG (an LCG: enough for arrivals and prompt choice, and replayable). */
export function seededRandom(seed: number): Random {
  let state = Math.abs(Math.floor(seed)) % 2 ** 31;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'ta',
  'so',
  'vi',
  'de',
  'pa',
  'ro',
  'ni',
  'ku',
  'be',
  'fa',
  'go',
];

/** `n` pseudo-words of about one token each (the simulator's tokenizer), varied by `salt`. */
export const words = (n: number, salt: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      SYLLABLES[(i * 7 + salt) % 16]! + SYLLABLES[(i * 13 + salt * 3) % 16]! + SYLLABLES[(i + salt) % 16]!,
  ).join(' ');

/** 16 system prompts of about 2 000 tokens. */
const SYSTEM_PROMPTS = Array.from({ length: 16 }, (_, g) => `Group ${g} assistant. ${words(2000, g)}`);

/** One chat request's messages and output cap. */
export interface BenchRequest {
  messages: { role: string; content: string }[];
  maxTokens: number;
}

/**
 * A request: a `shared` share reuse one of 16 long system prompts (plus a short question); the rest are
 * unique prompts of 200–1 500 tokens. Output 8–39 tokens.
 */
export function requestMessages(shared: number, random: Random): BenchRequest {
  const n = Math.floor(random() * 1e9);
  const messages =
    random() < shared
      ? [
          { role: 'system', content: SYSTEM_PROMPTS[n % SYSTEM_PROMPTS.length]! },
          { role: 'user', content: `question ${n}: ${words(20, n)}` },
        ]
      : [{ role: 'user', content: `unique ${n} ${words(200 + (n % 1300), n)}` }];
  return { messages, maxTokens: 8 + (n % 32) };
}
