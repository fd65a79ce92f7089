import { describe, expect, it } from 'vitest';
import { chatCompletionRequestSchema, describeZodError, embeddingRequestSchema } from './openai.ts';

describe('chatCompletionRequestSchema', () => {
  it('keeps vLLM extension parameters it does not know', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }], top_k: 5, guided_json: { a: 1 } };
    const parsed = chatCompletionRequestSchema.parse(body);
    expect(parsed).toMatchObject({ top_k: 5, guided_json: { a: 1 } });
  });

  it('names the field path of the first violation', () => {
    const result = chatCompletionRequestSchema.safeParse({
      model: 'm',
      messages: [{ role: 'robot', content: 'x' }],
    });
    expect(result.success).toBe(false);
    if (!result.success) expect(describeZodError(result.error).param).toBe('messages[0].role');
  });

  it('rejects an empty message list', () => {
    const result = chatCompletionRequestSchema.safeParse({ model: 'm', messages: [] });
    expect(result.success).toBe(false);
    if (!result.success) expect(describeZodError(result.error).param).toBe('messages');
  });
});

describe('embeddingRequestSchema', () => {
  it('accepts token-id input', () => {
    expect(embeddingRequestSchema.safeParse({ model: 'e', input: [1, 2, 3] }).success).toBe(true);
  });
});
