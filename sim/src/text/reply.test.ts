import { describe, expect, it } from 'vitest';
import { ReplyText } from './reply.ts';

describe('ReplyText', () => {
  it('passes text straight through without stop strings', () => {
    const r = new ReplyText([], true);
    expect(r.push('Hello')).toEqual({ emit: 'Hello', stopped: false });
    expect(r.push(' world')).toEqual({ emit: ' world', stopped: false });
    expect(r.flush()).toBe('');
  });

  it('cuts the reply before a stop string spanning tokens, never streaming its head', () => {
    const r = new ReplyText([' the end'], true);
    const steps = [' we', ' reach', ' the', ' end'].map((p) => r.push(p));
    expect(steps.map((e) => e.stopped)).toEqual([false, false, false, true]);
    expect(steps.map((e) => e.emit).join('')).toBe(' we reach');
    expect(r.text).toBe(' we reach');
    expect(r.stopReason).toBe(' the end');
  });

  it('releases held-back text once it can no longer start a stop string, and flushes at the end', () => {
    const r = new ReplyText(['STOP'], true);
    expect(r.push('abcdef').emit).toBe('abc');
    expect(r.push('gh').emit).toBe('de');
    expect(r.flush()).toBe('fgh');
  });

  it('holds nothing back when not streaming', () => {
    const r = new ReplyText(['STOP'], false);
    expect(r.push('abc STOP def')).toEqual({ emit: 'abc ', stopped: true });
  });
});
