// The default rollback target walks back through promotes: v3 → v2 → v1, then nothing.
import { describe, expect, it } from 'vitest';
import { type AuditStep, pickRollbackTarget } from './channel-move.ts';

const promote = (fromVersion: string | undefined, toVersion: string): AuditStep => ({
  action: 'promote',
  fromVersion,
  toVersion,
});
const rollback = (fromVersion: string, toVersion: string): AuditStep => ({
  action: 'rollback',
  fromVersion,
  toVersion,
});

describe('pickRollbackTarget', () => {
  it.each<[string, string, AuditStep[], string | undefined]>([
    ['the first version has nothing before it', 'v1', [promote(undefined, 'v1')], undefined],
    ['one promote back', 'v2', [promote('v1', 'v2'), promote(undefined, 'v1')], 'v1'],
    [
      'a second rollback keeps walking back',
      'v2',
      [rollback('v3', 'v2'), promote('v2', 'v3'), promote('v1', 'v2'), promote(undefined, 'v1')],
      'v1',
    ],
    [
      'a re-promote after a rollback returns to what it replaced',
      'v2',
      [promote('v1', 'v2'), rollback('v2', 'v1'), promote('v1', 'v2'), promote(undefined, 'v1')],
      'v1',
    ],
    [
      'a version reached only by rollback --to has no promote to undo',
      'v0',
      [rollback('v2', 'v0'), promote('v1', 'v2')],
      undefined,
    ],
  ])('%s', (_name, current, history, expected) => {
    expect(pickRollbackTarget(current, history)).toBe(expected);
  });
});
