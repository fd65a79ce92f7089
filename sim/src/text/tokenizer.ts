/**
 * sim/text — the simulator's tokenizer: deterministic, cheap, and close to a BPE tokenizer's
 * counts on English (about 1.3 tokens per word). Pieces follow GPT-2's pre-tokenisation (a word with
 * its leading space, digits in threes, punctuation runs) and words longer than six letters split into
 * six-letter chunks. A piece's id is a hash into the vocabulary; ids below 16 are special tokens.
 */
import { fnv1a } from './hash.ts';

/** Vocabulary size (Mistral's and Llama 2's 32k). */
export const VOCAB_SIZE = 32_000;
/** Special token ids. */
export const SpecialToken = {
  bos: 1,
  eos: 2,
  system: 3,
  user: 4,
  assistant: 5,
  tool: 6,
  endOfTurn: 7,
} as const;
const FIRST_REGULAR_ID = 16;
const MAX_WORD_CHUNK = 6;

const PIECE = / ?[A-Za-z]+| ?[0-9]{1,3}| ?[^\sA-Za-z0-9]+|\s+/g;

/** Splits text into token pieces (the strings behind each id). */
export function tokenPieces(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(PIECE)) {
    const piece = match[0];
    if (piece.length <= MAX_WORD_CHUNK + 1) {
      out.push(piece);
      continue;
    }
    for (let i = 0; i < piece.length; i += MAX_WORD_CHUNK) out.push(piece.slice(i, i + MAX_WORD_CHUNK));
  }
  return out;
}

/** The id of one piece. */
export function pieceId(piece: string): number {
  return FIRST_REGULAR_ID + (fnv1a(piece) % (VOCAB_SIZE - FIRST_REGULAR_ID));
}

/** Token ids of `text` (no special tokens). */
export function encode(text: string): number[] {
  return tokenPieces(text).map(pieceId);
}

/** A chat message reduced to what the template needs. */
export interface TemplateMessage {
  role: string;
  content: string;
}

/** Role marker ids used by the chat template. */
function roleToken(role: string): number {
  if (role === 'system' || role === 'developer') return SpecialToken.system;
  if (role === 'assistant') return SpecialToken.assistant;
  if (role === 'tool' || role === 'function') return SpecialToken.tool;
  return SpecialToken.user;
}

/**
 * Applies the chat template: BOS, then per message a role marker, its content and an end-of-turn,
 * then the assistant marker the generation continues from (`add_generation_prompt`).
 */
export function encodeChat(messages: readonly TemplateMessage[], addGenerationPrompt = true): number[] {
  const ids: number[] = [SpecialToken.bos];
  for (const m of messages) {
    ids.push(roleToken(m.role));
    for (const id of encode(m.content)) ids.push(id);
    ids.push(SpecialToken.endOfTurn);
  }
  if (addGenerationPrompt) ids.push(SpecialToken.assistant);
  return ids;
}

/** Token ids of a completion prompt (BOS plus text). */
export function encodePrompt(text: string, addSpecialTokens = true): number[] {
  const ids = encode(text);
  if (addSpecialTokens) ids.unshift(SpecialToken.bos);
  return ids;
}
