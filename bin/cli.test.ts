// The CLI's error contract: one line on stderr and a meaningful exit code, rendered in one place.
import { RegistryError } from '@switchyard/registry';
import { describe, expect, it } from 'vitest';
import { renderCliError, runCli } from './cli.ts';

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), isTTY: false },
    out,
    err,
  };
}

describe('renderCliError', () => {
  it.each([
    [new RegistryError('integrity', 'bad digest'), 'llmctl: bad digest', 3],
    [new RegistryError('conflict', 'moved\nconcurrently'), 'llmctl: moved concurrently', 6],
    [new Error('connect ECONNREFUSED'), 'llmctl: connect ECONNREFUSED', 1],
    ['a string', 'llmctl: a string', 1],
  ])('renders %s as one line with its exit code', (err, line, exitCode) => {
    expect(renderCliError(err)).toEqual({ line, exitCode });
  });
});

describe('runCli', () => {
  it('prints help and exits 0', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['--help'], { io, env: {} })).toBe(0);
    expect(out.join('')).toContain('registry');
  });

  it('turns a missing argument into one usage line and exit code 2', async () => {
    const { io, err } = captureIo();
    expect(await runCli(['registry', 'publish', 'm'], { io, env: {} })).toBe(2);
    expect(err).toEqual(["llmctl: missing required argument 'version'\n"]);
  });

  it('rejects an invalid bucket from the environment naming the field', async () => {
    const { io, err } = captureIo();
    expect(await runCli(['registry', 'list'], { io, env: { LLMCTL_BUCKET: 'Not_A_Bucket' } })).toBe(2);
    expect(err).toEqual(['llmctl: invalid configuration: bucket: must be a valid S3 bucket name\n']);
  });

  it('rejects an unknown --output format', async () => {
    const { io, err } = captureIo();
    expect(await runCli(['registry', 'list', '--output', 'yaml'], { io, env: {} })).toBe(2);
    expect(err.join('')).toMatch(/^llmctl: option '-o, --output <format>' argument 'yaml' is invalid/);
  });

  it('rejects malformed --metadata', async () => {
    const { io, err } = captureIo();
    const code = await runCli(['registry', 'publish', 'm', 'v1', '/nonexistent', '--metadata', 'novalue'], {
      io,
      env: {},
    });
    expect(code).toBe(2);
    expect(err).toEqual(['llmctl: --metadata novalue: expected key=value\n']);
  });
});
