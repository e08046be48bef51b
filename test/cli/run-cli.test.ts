import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { AuthError } from '../../src/errors/auth-error.js';
import { CancelledError } from '../../src/errors/cancelled-error.js';
import { IncompleteError } from '../../src/errors/incomplete-error.js';
import { InternalError } from '../../src/errors/internal-error.js';
import type { KvsClipError } from '../../src/errors/kvs-clip-error.js';
import { MediaError } from '../../src/errors/media-error.js';
import { NotFoundError } from '../../src/errors/not-found-error.js';
import { OutputError } from '../../src/errors/output-error.js';
import { RemoteError } from '../../src/errors/remote-error.js';
import { UsageError } from '../../src/errors/usage-error.js';
import { fakeIo, spyRunners } from './fake-io.js';

async function failWith(error: Error, argv = ['get', 'cam1', '--last', '1h', '--json'], io = fakeIo()) {
  const { run } = spyRunners({ get: () => Promise.reject(error) });
  const code = await runCli(argv, { io, version: '9.9.9', run });
  return { code, io };
}

describe('failure rendering', () => {
  const table: [KvsClipError, number][] = [
    [new InternalError('x'), 1],
    [new UsageError('E_TIME_PARSE', 'Could not parse --since "yesterdy"'), 2],
    [new UsageError('E_TIME_RANGE', 'Time range is empty or reversed'), 2],
    [new NotFoundError('E_STREAM_NOT_FOUND', 'Stream not found: "cam9"'), 3],
    [new NotFoundError('E_NO_MEDIA', 'No fragments in the window'), 3],
    [new AuthError('E_AUTH', 'Not authorized'), 4],
    [new RemoteError('E_THROTTLED', 'Giving up after 8 retries'), 5],
    [new RemoteError('E_REMOTE', 'Connection reset'), 5],
    [new MediaError('E_MEDIA_UNSUPPORTED', 'Codec private data changed'), 6],
    [new MediaError('E_MP4_PARSE', 'Box size too large at moov/trak[1] @ 0x1f20'), 6],
    [new MediaError('E_JOIN_MISMATCH', 'a.mp4 and b.mp4 differ in codec'), 6],
    [new OutputError('E_OUTPUT_EXISTS', 'Output exists: cam1.mp4'), 7],
    [new OutputError('E_OUTPUT_WRITE', 'No space left on device: cam1.mp4.part'), 7],
    [new OutputError('E_LOCKED', 'State file locked by pid 42'), 7],
    [new IncompleteError('E_GAPS', '2 gaps in the window'), 8],
    [new IncompleteError('E_HOOK', '--exec exited 3'), 8],
    [new CancelledError('SIGINT'), 130],
    [new CancelledError('SIGTERM'), 143],
  ];

  for (const [error, exitCode] of table) {
    it(`exits ${exitCode} with the ${error.code} JSON document`, async () => {
      const { code, io } = await failWith(error);
      expect(code).toBe(exitCode);
      expect(JSON.parse(io.out())).toEqual({
        ok: false,
        schemaVersion: 1,
        command: 'get',
        error: { code: error.code, message: error.message, exitCode },
      });
      expect(io.err()).toBe(`kvs-clip: ${error.message}\n`);
    });
  }

  it('prints the message and the hint as two lines, and nothing on stdout without --json', async () => {
    const error = new NotFoundError('E_STREAM_NOT_FOUND', 'Stream not found: "cam9"', {
      hint: 'List streams with: kvs-clip streams',
    });
    const { code, io } = await failWith(error, ['get', 'cam9', '--last', '1h']);
    expect(code).toBe(3);
    expect(io.err()).toBe('kvs-clip: Stream not found: "cam9"\nhint: List streams with: kvs-clip streams\n');
    expect(io.out()).toBe('');
  });

  it('colours the prefix red only on a TTY without --no-color or NO_COLOR', async () => {
    const error = new AuthError('E_AUTH', 'Not authorized');
    expect((await failWith(error, ['get', 'c', '--last', '1h'], fakeIo({ stderrIsTTY: true }))).io.err()).toBe(
      '\u001b[31mkvs-clip:\u001b[39m Not authorized\n',
    );
    expect(
      (await failWith(error, ['get', 'c', '--last', '1h', '--no-color'], fakeIo({ stderrIsTTY: true }))).io.err(),
    ).toBe('kvs-clip: Not authorized\n');
    expect(
      (
        await failWith(error, ['get', 'c', '--last', '1h'], fakeIo({ stderrIsTTY: true, env: { NO_COLOR: '1' } }))
      ).io.err(),
    ).toBe('kvs-clip: Not authorized\n');
  });

  it('puts the hint in the JSON error', async () => {
    const { io } = await failWith(new AuthError('E_AUTH', 'Not authorized', { hint: 'Check the profile' }));
    expect(JSON.parse(io.out()).error.hint).toBe('Check the profile');
  });

  it('shows the stack and the cause chain only with -v', async () => {
    const error = new RemoteError('E_REMOTE', 'GetClip failed', { cause: new Error('socket hang up') });
    const quiet = await failWith(error, ['get', 'c', '--last', '1h']);
    expect(quiet.io.err()).not.toContain('socket hang up');
    const verbose = await failWith(error, ['get', 'c', '--last', '1h', '-v']);
    expect(verbose.io.err()).toMatch(/^kvs-clip: GetClip failed\nRemoteError: GetClip failed\n {4}at /);
    expect(verbose.io.err()).toContain('caused by: Error: socket hang up');
  });

  it('turns an unexpected exception into exit 1 with the version and a request to report it', async () => {
    const { code, io } = await failWith(new TypeError('Cannot read properties of undefined'));
    expect(code).toBe(1);
    expect(JSON.parse(io.out()).error).toMatchObject({ code: 'E_INTERNAL', exitCode: 1 });
    expect(io.err()).toMatch(
      /^kvs-clip: Internal error: Cannot read properties of undefined\nhint: This is a bug in kvs-clip 9\.9\.9: please report it/,
    );
  });

  it('reports cancellation, not the error a cancelled command threw, once the signal fired', async () => {
    const io = fakeIo();
    io.abort(new CancelledError('SIGTERM'));
    const { code } = await failWith(
      new DOMException('This operation was aborted', 'AbortError'),
      ['get', 'c', '--last', '1h'],
      io,
    );
    expect(code).toBe(143);
    expect(io.err()).toBe('kvs-clip: Cancelled by SIGTERM\n');
  });

  it('exits 2 with the help on stderr when no command is given', async () => {
    const io = fakeIo();
    const { run } = spyRunners();
    expect(await runCli([], { io, version: '1', run })).toBe(2);
    expect(io.err()).toContain('Usage: kvs-clip');
    expect(io.out()).toBe('');
  });
});
