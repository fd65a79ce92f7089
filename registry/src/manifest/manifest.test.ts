// The manifest as a specification: building, digesting, and rejecting malformed input with field paths.
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../errors.ts';
import {
  buildManifest,
  canonicalJson,
  computeManifestDigest,
  parseManifest,
  serializeManifest,
} from './manifest.ts';

const sha = (c: string) => c.repeat(64);
const input = {
  model: 'llama-3-8b',
  version: 'v1',
  createdBy: 'ana@host',
  createdAt: new Date('2026-05-01T12:00:00.000Z'),
  metadata: { quantization: 'awq' },
  files: [
    { path: 'tokenizer.json', size: 10, sha256: sha('b') },
    { path: 'model.safetensors', size: 100, sha256: sha('a') },
  ],
};

function rejection(fn: () => unknown): RegistryError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RegistryError) return err;
    throw err;
  }
  throw new Error('expected a RegistryError');
}

describe('buildManifest', () => {
  it('sorts files, sums sizes and fills in the digest', () => {
    const m = buildManifest(input);
    expect(m.files.map((f) => f.path)).toEqual(['model.safetensors', 'tokenizer.json']);
    expect(m.totalBytes).toBe(110);
    expect(m.digest).toBe(computeManifestDigest(m));
  });

  it('round-trips through serialize and parse', () => {
    const m = buildManifest(input);
    expect(parseManifest(serializeManifest(m), m.digest)).toEqual(m);
  });

  it('changes the digest when any field changes', () => {
    const a = buildManifest(input);
    const b = buildManifest({ ...input, metadata: { quantization: 'gptq' } });
    expect(a.digest).not.toBe(b.digest);
  });
});

describe('canonicalJson', () => {
  it('gives the same bytes whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"e":3,"f":2}]},"b":1}',
    );
  });
});

describe('parseManifest', () => {
  const good = () => JSON.parse(serializeManifest(buildManifest(input)));

  it.each([
    [
      'a short digest',
      (m: { files: { sha256: string }[] }) => {
        m.files[1]!.sha256 = 'abc';
      },
      'files[1].sha256: must be 64 lower-case hex characters',
    ],
    [
      'a negative size',
      (m: { files: { size: number }[] }) => {
        m.files[0]!.size = -1;
      },
      'files[0].size',
    ],
    [
      'a path escaping the directory',
      (m: { files: { path: string }[] }) => {
        m.files[0]!.path = '../etc/passwd';
      },
      'files[0].path: must be a relative path',
    ],
    [
      'a missing creator',
      (m: { createdBy?: string }) => {
        delete m.createdBy;
      },
      'createdBy',
    ],
    [
      'an unknown field',
      (m: Record<string, unknown>) => {
        m.extra = 1;
      },
      'extra: unknown field',
    ],
    [
      'a wrong total',
      (m: { totalBytes: number }) => {
        m.totalBytes = 1;
      },
      'totalBytes: must equal the sum of file sizes (110)',
    ],
    [
      'a bad time',
      (m: { createdAt: string }) => {
        m.createdAt = 'yesterday';
      },
      'createdAt',
    ],
  ])('rejects %s naming the field path', (_name, mutate, expected) => {
    const m = good();
    (mutate as (m: unknown) => void)(m);
    const err = rejection(() => parseManifest(JSON.stringify(m)));
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain(`invalid manifest: ${expected}`);
  });

  it('rejects duplicate paths at the duplicate', () => {
    const m = good();
    m.files[1].path = m.files[0].path;
    expect(rejection(() => parseManifest(JSON.stringify(m))).message).toContain(
      'files[1].path: duplicate path',
    );
  });

  it('rejects text that is not JSON', () => {
    expect(rejection(() => parseManifest('{nope')).message).toMatch(/^invalid manifest: not JSON/);
  });

  it('rejects a manifest whose content no longer matches its digest', () => {
    const m = good();
    m.files[0].size = 101;
    m.totalBytes = 111;
    const err = rejection(() => parseManifest(JSON.stringify(m)));
    expect(err.kind).toBe('integrity');
    expect(err.message).toContain('content hashes to');
  });

  it('rejects a manifest that differs from the version record', () => {
    const err = rejection(() => parseManifest(JSON.stringify(good()), sha('0')));
    expect(err.kind).toBe('integrity');
    expect(err.message).toContain("differs from the version record's");
  });
});
