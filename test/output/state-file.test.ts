import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/usage-error.js';
import type { CronState } from '../../src/output/state-file.js';
import { readState, writeState } from '../../src/output/state-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-clip-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const state: CronState = {
  version: 1,
  stream: 'cam1',
  selector: 'server',
  cursorMs: 1_749_906_000_001,
  lastFragmentNumber: '91343852333181432392682062622220590765191907586',
  pending: { startMs: 1_749_906_000_001, endMs: 1_749_909_600_000, output: 'archive/cam1/x.mp4' },
  updatedAt: '2025-06-14T14:01:00.000Z',
};

async function usageError(path: string): Promise<UsageError> {
  try {
    await readState(path);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('state file', () => {
  it('reads nothing before the first run', async () => {
    expect(await readState(join(dir, 'cam1.state'))).toBeUndefined();
  });

  it('round-trips a state with a pending window, owner-only', async () => {
    const path = join(dir, 'cam1.state');
    await writeState(path, state);
    expect(await readState(path)).toEqual(state);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: 1, cursorMs: state.cursorMs });
  });

  it('replaces the previous state and keeps optional fields optional', async () => {
    const path = join(dir, 'cam1.state');
    await writeState(path, state);
    const committed: CronState = {
      version: 1,
      stream: 'cam1',
      selector: 'server',
      cursorMs: 5,
      updatedAt: state.updatedAt,
    };
    await writeState(path, committed);
    expect(await readState(path)).toEqual(committed);
  });

  it.each([
    ['{not json', 'not valid JSON'],
    ['[]', 'not a JSON object'],
    ['{"version":2,"stream":"cam1"}', 'written by a newer kvs-clip'],
    ['{"stream":"cam1"}', 'unknown version'],
    [
      '{"version":1,"stream":"cam1","selector":"server","cursorMs":"soon","updatedAt":"2025-06-14T14:01:00Z"}',
      'cursorMs',
    ],
    ['{"version":1,"stream":"cam1","selector":"both","cursorMs":1,"updatedAt":"2025-06-14T14:01:00Z"}', 'selector'],
    [
      '{"version":1,"stream":"cam1","selector":"server","cursorMs":1,"updatedAt":"2025-06-14T14:01:00Z","pending":{}}',
      'pending',
    ],
    ['{"version":1,"stream":"cam1","selector":"server","cursorMs":1,"updatedAt":"yesterday-ish"}', 'updatedAt'],
  ])('refuses the corrupt state %s with a usage error, never restarting silently', async (text, why) => {
    const path = join(dir, 'cam1.state');
    await writeFile(path, text);
    const error = await usageError(path);
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toContain(`State file "${path}" is unusable`);
    expect(error.message).toContain(why);
    expect(error.hint).toContain('never restarts');
  });

  it('refuses to write a state that would not read back', async () => {
    await expect(writeState(join(dir, 's'), { ...state, cursorMs: -1 })).rejects.toMatchObject({ code: 'E_INTERNAL' });
    expect(await readState(join(dir, 's'))).toBeUndefined();
  });
});
