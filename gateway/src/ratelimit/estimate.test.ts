import { describe, expect, it } from 'vitest';
import { createTokenEstimator, maxOutputTokens, promptParts } from './estimate.ts';

describe('promptParts', () => {
  it.each([
    {
      name: 'chat string content',
      body: { messages: [{ content: 'hello' }, { content: 'world' }] },
      text: 'hello\nworld',
      ids: 0,
    },
    {
      name: 'chat content parts',
      body: { messages: [{ content: [{ type: 'text', text: 'hi' }] }] },
      text: 'hi',
      ids: 0,
    },
    { name: 'completion prompt', body: { prompt: 'abc' }, text: 'abc', ids: 0 },
    { name: 'token-id prompt', body: { prompt: [1, 2, 3] }, text: '', ids: 3 },
    { name: 'embedding inputs', body: { input: ['a', 'b'] }, text: 'a\nb', ids: 0 },
  ])('$name', ({ body, text, ids }) => {
    const p = promptParts(body);
    expect(p.text).toBe(text);
    expect(p.tokenIds).toBe(ids);
  });
});

describe('maxOutputTokens', () => {
  it.each([
    { name: 'uses max_tokens', body: { max_tokens: 50 }, want: 50 },
    { name: 'prefers max_completion_tokens', body: { max_tokens: 50, max_completion_tokens: 70 }, want: 70 },
    { name: 'falls back to the default cap', body: {}, want: 1024 },
    { name: 'multiplies by n', body: { max_tokens: 10, n: 3 }, want: 30 },
  ])('$name', ({ body, want }) => {
    expect(maxOutputTokens(body, 1024)).toBe(want);
  });
});

describe('createTokenEstimator', () => {
  it('estimates chars/4 plus per-message overhead plus the output cap', () => {
    const e = createTokenEstimator().estimate({ messages: [{ content: 'x'.repeat(400) }], max_tokens: 16 });
    expect(e).toEqual({ promptTokens: 104, maxOutputTokens: 16, total: 120, source: 'estimate' });
  });

  it('uses the backend count when there is one', () => {
    expect(createTokenEstimator().estimate({ prompt: 'abc', max_tokens: 5 }, 7).total).toBe(12);
  });

  it('calibrates the ratio towards observed usage', () => {
    const estimator = createTokenEstimator({ calibrationWeight: 0.5 });
    const body = { prompt: 'y'.repeat(600) };
    for (let i = 0; i < 20; i++) estimator.observe(body, 200); // 3 chars per token
    expect(estimator.charsPerToken()).toBeCloseTo(3, 2);
    expect(estimator.estimate(body).promptTokens).toBe(200);
  });
});
