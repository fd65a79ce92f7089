/**
 * What each request asks for: the original analysis's prompt mix (short 50 %, medium 35 %, long 15 %) or a
 * shared-prefix workload (many tenants, each with a long system prompt its requests share, the case prefix
 * caching and prefix-affinity routing are for). Text is generated from a seeded PRNG, so a run is
 * reproducible; about 1.3 tokens per word on a BPE tokenizer.
 */
import type { Random } from '../pacing/random.ts';

/** One chat request to send. */
export interface WorkItem {
  /** Prompt class (`short`, `medium`, `long`, or `shared-prefix`). */
  kind: string;
  messages: { role: 'system' | 'user'; content: string }[];
  maxTokens: number;
  /** Tenant (sent as the OpenAI `user` field). */
  tenant?: string;
}

/** A prompt class of the mix. */
export interface PromptClass {
  kind: string;
  /** Share of requests, 0-1; the shares of a mix add up to 1. */
  weight: number;
  promptWords: number;
  maxTokens: number;
}

/** The original analysis's mix: short 50 %, medium 35 %, long 15 %. */
export const DEFAULT_PROMPT_MIX: readonly PromptClass[] = [
  { kind: 'short', weight: 0.5, promptWords: 40, maxTokens: 64 },
  { kind: 'medium', weight: 0.35, promptWords: 300, maxTokens: 256 },
  { kind: 'long', weight: 0.15, promptWords: 1200, maxTokens: 512 },
];

const WORDS = (
  'the a model server request token latency queue batch cache prefix decode prefill gateway route ' +
  'replica engine memory compute network stream answer question explain summarize describe compare ' +
  'system user data value time first second output input context window scale load test fleet pod'
).split(' ');

/** `count` pseudo-random words. */
export function words(count: number, random: Random): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(WORDS[Math.floor(random() * WORDS.length)] ?? 'token');
  return out.join(' ');
}

/** Picks a class by weight. */
export function pickClass(mix: readonly PromptClass[], random: Random): PromptClass {
  const total = mix.reduce((a, c) => a + c.weight, 0);
  let r = random() * total;
  for (const c of mix) {
    r -= c.weight;
    if (r < 0) return c;
  }
  return mix.at(-1)!;
}

/** A generator of requests following the prompt mix. */
export function promptMixWorkload(random: Random, mix: readonly PromptClass[] = DEFAULT_PROMPT_MIX) {
  return (): WorkItem => {
    const c = pickClass(mix, random);
    return {
      kind: c.kind,
      messages: [{ role: 'user', content: `${words(c.promptWords, random)}. Please answer at length.` }],
      maxTokens: c.maxTokens,
    };
  };
}

/** Options of {@link sharedPrefixWorkload}. */
export interface SharedPrefixOptions {
  /** Tenants, each with its own system prompt. Default 32. */
  tenants?: number;
  /** Words in each tenant's system prompt. Default 1500 (~2,000 tokens). */
  systemPromptWords?: number;
  /** Words in the user turn. Default 30. */
  userWords?: number;
  /** Default 128. */
  maxTokens?: number;
}

/** Requests from many tenants whose long system prompts are shared by all of that tenant's requests. */
export function sharedPrefixWorkload(random: Random, options: SharedPrefixOptions = {}) {
  const tenants = options.tenants ?? 32;
  const systemWords = options.systemPromptWords ?? 1500;
  const prefixes = Array.from(
    { length: tenants },
    (_, i) => `You are the assistant of tenant ${i}. ${words(systemWords, random)}`,
  );
  return (): WorkItem => {
    const t = Math.floor(random() * tenants);
    return {
      kind: 'shared-prefix',
      tenant: `tenant-${t}`,
      messages: [
        { role: 'system', content: prefixes[t]! },
        { role: 'user', content: words(options.userWords ?? 30, random) },
      ],
      maxTokens: options.maxTokens ?? 128,
    };
  };
}
