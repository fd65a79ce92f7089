/**
 * Token counts for reservation before the engine has seen the request: prompt tokens from the backend's
 * `/tokenize` when available, otherwise a chars-per-token estimate calibrated against the prompt token
 * counts responses report; plus `max_tokens` (or a default cap) for the output.
 */

/** The parts of an OpenAI request body that matter for counting. */
export interface CountableBody {
  messages?: readonly { content?: unknown }[];
  prompt?: unknown;
  input?: unknown;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  n?: number | null;
}

/** Text and pre-tokenized counts found in a body. */
export interface PromptParts {
  text: string;
  /** Tokens given as ids (completions with token-array prompts). */
  tokenIds: number;
  messages: number;
}

/**
 * Where a body keeps its prompt parts: one request asks three times (the estimate, the routing prefix, the
 * usage calibration at its end), and the body is never changed after validation. A symbol-keyed property
 * rather than a WeakMap: the map is old and every body young, so each entry cost the garbage collector an
 * ephemeron to track (ADR 0002, seventh pass). Symbols are invisible to JSON.stringify.
 */
const PARTS = Symbol('promptParts');

/** Extracts prompt text from chat messages, completion prompts or embedding inputs (once per body object). */
export function promptParts(body: CountableBody): PromptParts {
  const holder = body as CountableBody & { [PARTS]?: PromptParts };
  let found = holder[PARTS];
  if (!found) {
    found = extractPromptParts(body);
    holder[PARTS] = found;
  }
  return found;
}

function extractPromptParts(body: CountableBody): PromptParts {
  const parts: string[] = [];
  let tokenIds = 0;
  const visit = (v: unknown): void => {
    if (typeof v === 'string') parts.push(v);
    else if (typeof v === 'number') tokenIds++;
    else if (Array.isArray(v)) for (const x of v) visit(x);
    else if (v && typeof v === 'object' && 'text' in v) visit((v as { text: unknown }).text);
  };
  for (const m of body.messages ?? []) visit(m.content);
  visit(body.prompt);
  visit(body.input);
  return { text: parts.join('\n'), tokenIds, messages: body.messages?.length ?? 0 };
}

/** The output-token cap a request asks for, or the default. */
export function maxOutputTokens(body: CountableBody, defaultMaxTokens: number): number {
  const cap = body.max_completion_tokens ?? body.max_tokens ?? defaultMaxTokens;
  return cap * Math.max(1, body.n ?? 1);
}

/** Options of {@link createTokenEstimator}. */
export interface TokenEstimatorOptions {
  /** Starting chars-per-token ratio. Default 4. */
  charsPerToken?: number;
  /** Tokens a chat message adds for its role and separators. Default 4. */
  tokensPerMessage?: number;
  /** Output cap when a request sets none. Default 1024. */
  defaultMaxTokens?: number;
  /** Weight of each observation in the running ratio (0 disables calibration). Default 0.05. */
  calibrationWeight?: number;
}

/** A reservation-sized token count. */
export interface TokenEstimate {
  promptTokens: number;
  maxOutputTokens: number;
  /** `promptTokens + maxOutputTokens`: what to reserve. */
  total: number;
  source: 'tokenize' | 'estimate';
}

/** Estimates tokens and learns the chars-per-token ratio from real usage. */
export interface TokenEstimator {
  /** Uses `counted` (from `/tokenize`) when given, else the calibrated estimate. */
  estimate(body: CountableBody, counted?: number): TokenEstimate;
  /** Feeds back the prompt tokens a response reported, to calibrate the ratio. */
  observe(body: CountableBody, actualPromptTokens: number): void;
  charsPerToken(): number;
}

/** Creates a {@link TokenEstimator}. */
export function createTokenEstimator(options: TokenEstimatorOptions = {}): TokenEstimator {
  let ratio = options.charsPerToken ?? 4;
  const perMessage = options.tokensPerMessage ?? 4;
  const defaultMax = options.defaultMaxTokens ?? 1024;
  const weight = options.calibrationWeight ?? 0.05;
  return {
    estimate(body, counted) {
      const maxOut = maxOutputTokens(body, defaultMax);
      if (counted !== undefined) {
        return {
          promptTokens: counted,
          maxOutputTokens: maxOut,
          total: counted + maxOut,
          source: 'tokenize',
        };
      }
      const p = promptParts(body);
      const prompt = Math.ceil(p.text.length / ratio) + p.tokenIds + p.messages * perMessage;
      return { promptTokens: prompt, maxOutputTokens: maxOut, total: prompt + maxOut, source: 'estimate' };
    },
    observe(body, actual) {
      const p = promptParts(body);
      const textTokens = actual - p.tokenIds - p.messages * perMessage;
      if (weight <= 0 || p.text.length < 64 || textTokens <= 0) return;
      const observed = Math.min(8, Math.max(1, p.text.length / textTokens));
      ratio += weight * (observed - ratio);
    },
    charsPerToken: () => ratio,
  };
}

/** Options of {@link countWithBackend}. */
export interface TokenizeOptions {
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Counts prompt tokens with vLLM's `POST /tokenize` on `baseUrl` (chat `messages` or a `prompt`).
 * Returns `undefined` on any failure or timeout, so callers fall back to the estimate.
 */
export async function countWithBackend(
  baseUrl: string,
  model: string,
  body: CountableBody,
  options: TokenizeOptions = {},
): Promise<number | undefined> {
  const doFetch = options.fetch ?? fetch;
  const payload = body.messages ? { model, messages: body.messages } : { model, prompt: body.prompt };
  if (!body.messages && typeof body.prompt !== 'string') return undefined;
  try {
    const res = await doFetch(`${baseUrl.replace(/\/$/, '')}/tokenize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(options.timeoutMs ?? 200),
    });
    if (!res.ok) return undefined;
    const json = (await res.json()) as { count?: unknown };
    return typeof json.count === 'number' ? json.count : undefined;
  } catch {
    return undefined;
  }
}
