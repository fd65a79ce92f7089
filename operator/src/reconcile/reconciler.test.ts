// The status write: only what changed goes out, and key order (the API server's, not ours) is no change.
import { describe, expect, it } from 'vitest';
import { statusPatch } from './reconciler.ts';

describe('statusPatch', () => {
  it('sees no change when only the key order differs, as after a round trip through the API server', () => {
    const ours = {
      activeRevision: 'a',
      revisions: [{ name: 'a', version: 'v1', role: 'active' as const, replicas: 1, readyReplicas: 1 }],
    };
    const stored = JSON.parse(
      '{"revisions":[{"readyReplicas":1,"replicas":1,"role":"active","version":"v1","name":"a"}],"activeRevision":"a"}',
    );
    expect(statusPatch(stored, ours)).toBeUndefined();
  });

  it('sends changed fields and nulls for removed ones', () => {
    expect(statusPatch({ activeRevision: 'a', previewRevision: 'b' }, { activeRevision: 'b' })).toEqual({
      activeRevision: 'b',
      previewRevision: null,
    });
  });
});
