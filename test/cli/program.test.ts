import { describe, expect, it } from 'vitest';
import type { GetOptions } from '../../src/cli/commands/get.js';
import type { JoinOptions } from '../../src/cli/commands/join.js';
import { runCli } from '../../src/cli/run-cli.js';
import { fakeIo, spyRunners } from './fake-io.js';

async function run(argv: string[], io = fakeIo()) {
  const { run: runners, calls } = spyRunners();
  const code = await runCli(argv, { io, version: '9.9.9', run: runners });
  return { code, io, calls, options: calls[0]?.options };
}

describe('get wiring', () => {
  it('parses a --since window with defaults for every other flag', async () => {
    const { code, options } = await run(['get', 'cam1', '--since', '1h', '-o', 'out.mp4']);
    expect(code).toBe(0);
    expect(options).toEqual({
      stream: 'cam1',
      time: { since: '1h', tz: expect.any(String), selector: 'server' },
      aws: { local: false, logRequests: false },
      mode: {
        json: false,
        quiet: false,
        verbose: false,
        debug: false,
        progress: false,
        progressLines: true,
        color: false,
      },
      logFormat: 'human',
      progressIntervalMs: 10_000,
      output: {
        path: 'out.mp4',
        force: false,
        skipExisting: false,
        mkdir: false,
        split: false,
        faststart: true,
        format: 'progressive',
        gaps: 'keep',
        failOnGap: false,
      },
      download: {
        concurrency: 2,
        retries: 8,
        retryMaxTimeMs: 600_000,
        fragmentRate: 250,
        pacing: true,
        dryRun: false,
        continue: true,
        keepParts: false,
      },
      postSteps: {},
    } satisfies GetOptions);
  });

  it('passes every get flag through, parsed and typed', async () => {
    const { code, options } = await run([
      'get',
      'cam1',
      '--from',
      '2025-06-14 15:00',
      '--to',
      '2025-06-14 16:00',
      '--stream-arn',
      'arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam1/1718370000000',
      '--tz',
      'Europe/Berlin',
      '--timestamps',
      'producer',
      '-o',
      'a/{stream}.mp4',
      '--force',
      '--mkdir',
      '--no-faststart',
      '--format',
      'fmp4',
      '--gaps',
      'close',
      '--fail-on-gap',
      '--align',
      'inside',
      '--concurrency',
      '4',
      '--retries',
      '0',
      '--retry-max-time',
      '90s',
      '--fragment-rate',
      '100.5',
      '--no-pacing',
      '--dry-run',
      '--no-continue',
      '--keep-parts',
      '--state',
      's.state',
      '--settle',
      '0',
      '--exec',
      'echo {}',
      '--log-format',
      'json',
      '--region',
      'eu-west-1',
      '--profile',
      'p',
      '--endpoint-url',
      'http://127.0.0.1:4567',
      '-v',
      '--no-color',
      '--no-progress',
    ]);
    expect(code).toBe(0);
    expect(options).toMatchObject({
      stream: 'cam1',
      streamArn: 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam1/1718370000000',
      time: {
        since: '2025-06-14 15:00',
        until: '2025-06-14 16:00',
        tz: 'Europe/Berlin',
        selector: 'producer',
        align: 'inside',
      },
      output: {
        path: 'a/{stream}.mp4',
        force: true,
        mkdir: true,
        faststart: false,
        // The old name is an alias of the joiner's own.
        format: 'fragmented',
        gaps: 'close',
        failOnGap: true,
      },
      download: {
        concurrency: 4,
        retries: 0,
        retryMaxTimeMs: 90_000,
        fragmentRate: 100.5,
        pacing: false,
        dryRun: true,
        continue: false,
        keepParts: true,
      },
      cron: { state: 's.state', settleMs: 0 },
      postSteps: { exec: 'echo {}' },
      logFormat: 'json',
      aws: { region: 'eu-west-1', profile: 'p', endpointUrl: 'http://127.0.0.1:4567', local: false },
      mode: { verbose: true, color: false, progress: false },
    });
  });

  it('takes one positional RANGE, or --range, and --utc as the zone', async () => {
    expect((await run(['get', 'cam1', 'yesterday 3pm to 4pm', '--utc'])).options).toMatchObject({
      time: { range: 'yesterday 3pm to 4pm', tz: 'UTC' },
    });
    expect((await run(['get', 'cam1', '--range', '1h ago..now'])).options).toMatchObject({
      time: { range: '1h ago..now' },
    });
    expect((await run(['get', 'cam1', '--last', '10m'])).options).toMatchObject({ time: { last: '10m' } });
    expect((await run(['get', 'cam1', '--at', '15:00', '--duration', '5m'])).options).toMatchObject({
      time: { at: '15:00', duration: '5m' },
    });
  });

  it('reads the zone from KVS_CLIP_TZ, and --utc overrides it without a conflict', async () => {
    const env = { KVS_CLIP_TZ: 'America/New_York' };
    expect((await run(['get', 'cam1', '--last', '1h'], fakeIo({ env }))).options).toMatchObject({
      time: { tz: 'America/New_York' },
    });
    expect((await run(['get', 'cam1', '--last', '1h', '--utc'], fakeIo({ env }))).options).toMatchObject({
      time: { tz: 'UTC' },
    });
  });

  it('draws the bar only on a TTY stderr without -q, --json or --no-progress', async () => {
    const tty = { stderrIsTTY: true };
    expect((await run(['get', 'c', '--last', '1h'], fakeIo(tty))).options).toMatchObject({
      mode: { progress: true, color: true },
    });
    expect((await run(['get', 'c', '--last', '1h', '-q'], fakeIo(tty))).options).toMatchObject({
      mode: { progress: false },
    });
    expect((await run(['get', 'c', '--last', '1h', '--no-progress'], fakeIo(tty))).options).toMatchObject({
      mode: { progress: false },
    });
    expect((await run(['get', 'c', '--last', '1h'], fakeIo({ ...tty, env: { NO_COLOR: '1' } }))).options).toMatchObject(
      { mode: { color: false } },
    );
  });

  it('streams fragmented MP4 for -o - when stdout is a pipe', async () => {
    const { code, options } = await run(['get', 'cam1', '--last', '1h', '-o', '-']);
    expect(code).toBe(0);
    expect((options as GetOptions).output.format).toBe('fragmented');
  });

  it('prints the one success document with --json', async () => {
    const { code, io } = await run(['get', 'cam1', '--last', '1h', '--json']);
    expect(code).toBe(0);
    const document = JSON.parse(io.out());
    expect(document).toMatchObject({ ok: true, schemaVersion: 1, command: 'get', output: 'cam1.mp4', gaps: [] });
    expect(io.out().trim().split('\n')).toHaveLength(1);
  });
});

describe('usage errors exit 2 without running anything', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown option', ['get', 'cam1', '--sinc', '1h'], /Unknown option '--sinc'.*--since/],
    ['an unknown command', ['fetch', 'cam1'], /Unknown command 'fetch'/],
    ['a missing stream', ['get'], /Missing required argument 'stream'/],
    ['--since with --last', ['get', 'c', '--since', '1h', '--last', '1h'], /cannot be used with option '--last/],
    ['--from with --since', ['get', 'c', '--since', '1h', '--from', '2h'], /cannot be used with/],
    ['--range with --until', ['get', 'c', '--range', 'today', '--until', 'now'], /cannot be used with/],
    [
      'a RANGE with --since',
      ['get', 'c', 'today', '--since', '1h'],
      /RANGE argument "today" cannot be combined with --since/,
    ],
    ['--at without --duration', ['get', 'c', '--at', '15:00'], /--at needs --duration/],
    ['--duration without --at', ['get', 'c', '--duration', '5m'], /--duration needs --at/],
    ['--force with --skip-existing', ['get', 'c', '--last', '1h', '--force', '--skip-existing'], /cannot be used with/],
    ['-q with --no-progress and -v', ['get', 'c', '--last', '1h', '--quiet', '--verbose'], /cannot be used with/],
    [
      '--local with --endpoint-url',
      ['get', 'c', '--last', '1h', '--local', '--endpoint-url', 'http://x'],
      /cannot be used with/,
    ],
    [
      'a word for --concurrency',
      ['get', 'c', '--last', '1h', '--concurrency', 'many'],
      /'--concurrency <n>' argument 'many' is invalid/,
    ],
    ['zero --concurrency', ['get', 'c', '--last', '1h', '--concurrency', '0'], /argument '0' is invalid/],
    ['a negative --retries', ['get', 'c', '--last', '1h', '--retries', '-1'], /--retries/],
    ['a fractional --retries', ['get', 'c', '--last', '1h', '--retries', '1.5'], /argument '1.5' is invalid/],
    ['a zero --fragment-rate', ['get', 'c', '--last', '1h', '--fragment-rate', '0'], /argument '0' is invalid/],
    ['a bad --settle', ['get', 'c', '--last', '1h', '--settle', 'soon'], /Could not parse --settle "soon"/],
    [
      'a bad --retry-max-time',
      ['get', 'c', '--last', '1h', '--retry-max-time', '5 parsecs'],
      /--retry-max-time "5 parsecs"/,
    ],
    [
      'an unknown --timestamps',
      ['get', 'c', '--last', '1h', '--timestamps', 'device'],
      /'device' is invalid. Allowed choices are server, producer/,
    ],
    ['an unknown --gaps', ['get', 'c', '--last', '1h', '--gaps', 'fill'], /Allowed choices are keep, close, split/],
    ['an unknown zone', ['get', 'c', '--last', '1h', '--tz', 'Mars/Olympus'], /Unknown time zone "Mars\/Olympus"/],
    ['--utc with --tz', ['get', 'c', '--last', '1h', '--utc', '--tz', 'UTC'], /--utc cannot be combined with --tz/],
    [
      'a non-URL endpoint',
      ['get', 'c', '--last', '1h', '--endpoint-url', 'localhost:4567'],
      /--endpoint-url <url>' argument 'localhost:4567'/,
    ],
    ['--split to stdout', ['get', 'c', '--last', '1h', '--split', '-o', '-'], /--split cannot write to stdout/],
    ['--state to stdout', ['get', 'c', '--last', '1h', '--state', 's', '-o', '-'], /--state needs a file output/],
    ['join without -o', ['join', 'a.mp4', 'b.mp4'], /Required option '-o, --output <path>' not specified/],
    [
      'join with an unknown --gaps',
      ['join', 'a.mp4', '-o', 'x.mp4', '--gaps', 'split'],
      /Allowed choices are keep, close/,
    ],
    ['an unknown shell', ['completion', 'powershell'], /Allowed choices are bash, zsh, fish/],
    ['list with an unknown flag', ['ls', 'cam1', '--output', 'x'], /Unknown option '--output'/],
  ];

  for (const [what, argv, message] of cases) {
    it(`rejects ${what}`, async () => {
      const { code, io, calls } = await run(argv);
      expect(code).toBe(2);
      expect(calls).toEqual([]);
      const lines = io.err().trimEnd().split('\n');
      expect(lines[0]).toMatch(/^kvs-clip: /);
      expect(lines[0]).toMatch(message);
      // -v adds the stack; without it an error is one line plus at most one hint.
      if (!argv.includes('--verbose')) expect(lines.length).toBeLessThanOrEqual(2);
      expect(io.out()).toBe('');
    });
  }

  it('refuses to write video to a terminal', async () => {
    const { code, io, calls } = await run(['get', 'c', '--last', '1h', '-o', '-'], fakeIo({ stdoutIsTTY: true }));
    expect([code, calls.length]).toEqual([2, 0]);
    expect(io.err()).toMatch(/^kvs-clip: Refusing to write video to a terminal \(-o -\)\nhint: Pipe it/);
  });

  it('refuses --json with -o -, and says so in the JSON document', async () => {
    const { code, io } = await run(['get', 'c', '--last', '1h', '-o', '-', '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(io.out())).toEqual({
      ok: false,
      schemaVersion: 1,
      command: 'get',
      error: {
        code: 'E_USAGE',
        message: expect.stringContaining('--json cannot be combined with -o -'),
        exitCode: 2,
        hint: expect.any(String),
      },
    });
  });

  it('renders a parse error as the JSON failure document when --json was typed', async () => {
    const { code, io } = await run(['get', 'c', '--json', '--concurrency', 'x']);
    expect(code).toBe(2);
    expect(JSON.parse(io.out())).toMatchObject({ ok: false, command: null, error: { code: 'E_USAGE', exitCode: 2 } });
  });
});

describe('other commands', () => {
  it('list and its alias ls parse the stream, range and AWS options', async () => {
    const expected = {
      stream: 'cam1',
      time: { range: 'today', tz: 'UTC', selector: 'producer' },
      aws: { region: 'us-west-2', local: false },
    };
    expect(
      (await run(['list', 'cam1', 'today', '--utc', '--timestamps', 'producer', '--region', 'us-west-2'])).options,
    ).toMatchObject(expected);
    expect(
      (await run(['ls', 'cam1', 'today', '--utc', '--timestamps', 'producer', '--region', 'us-west-2'])).options,
    ).toMatchObject(expected);
  });

  it('list takes --chart (off unless given)', async () => {
    expect((await run(['list', 'cam1', 'today', '--chart'])).options).toMatchObject({ chart: true });
    expect((await run(['list', 'cam1', 'today'])).options).toMatchObject({ chart: false });
  });

  it('streams takes --prefix and --local', async () => {
    expect((await run(['streams', '--prefix', 'cam', '--local'])).options).toMatchObject({
      prefix: 'cam',
      aws: { local: true },
    });
  });

  it('join passes inputs in order with its output options', async () => {
    const { code, options } = await run([
      'join',
      'b.mp4',
      'a.mp4',
      'c.mp4',
      '-o',
      'out.mp4',
      '--force',
      '--no-faststart',
      '--gaps',
      'close',
      '--split-on-change',
    ]);
    expect(code).toBe(0);
    expect(options).toEqual({
      inputs: ['b.mp4', 'a.mp4', 'c.mp4'],
      output: 'out.mp4',
      force: true,
      mkdir: false,
      faststart: false,
      format: 'progressive',
      gaps: 'close',
      splitOnChange: true,
      mode: {
        json: false,
        quiet: false,
        verbose: false,
        debug: false,
        progress: false,
        progressLines: true,
        color: false,
      },
      logFormat: 'human',
    } satisfies JoinOptions);
  });

  it('join --format takes progressive / fragmented, and mp4 / fmp4 as their aliases', async () => {
    for (const [name, format] of [
      ['fragmented', 'fragmented'],
      ['fmp4', 'fragmented'],
      ['progressive', 'progressive'],
      ['mp4', 'progressive'],
    ] as const)
      expect((await run(['join', 'a.mp4', '-o', 'out.mp4', '--format', name])).options).toMatchObject({ format });
  });

  it('archive --format takes the same names as get and join, old ones as aliases', async () => {
    expect((await run(['archive', 'cam1', '--state-dir', 's', '--format', 'fmp4'])).options).toMatchObject({
      format: 'fragmented',
    });
    expect((await run(['archive', 'cam1', '--state-dir', 's'])).options).toMatchObject({ format: 'progressive' });
  });

  it('join to stdout is fragmented MP4', async () => {
    expect((await run(['join', 'a.mp4', '-o', '-'])).options).toMatchObject({ output: '-', format: 'fragmented' });
  });

  it('inspect passes the file and --boxes', async () => {
    expect((await run(['inspect', 'clip.mp4', '--boxes'])).options).toMatchObject({ file: 'clip.mp4', boxes: true });
  });

  it('prints --version and --help on stdout with exit 0', async () => {
    const version = await run(['--version']);
    expect([version.code, version.io.out()]).toEqual([0, '9.9.9\n']);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.io.out()).toMatch(/Exit codes:\n {2}0 {4}success/);
    for (const command of ['get', 'list|ls', 'streams', 'join', 'inspect', 'completion'])
      expect(help.io.out()).toContain(command);
    const getHelp = await run(['get', '--help']);
    expect(getHelp.io.out()).toMatch(/Examples:\n {2}kvs-clip get cam1 --since 1h/);
    expect(getHelp.io.out()).toContain('130');
  });

  it('prints the stream names for completion, and nothing when ListStreams fails', async () => {
    const ok = await run(['__complete', 'streams', '--region', 'eu-west-1']);
    expect([ok.code, ok.io.out()]).toEqual([0, 'cam1\ncam2\n']);
    expect(ok.options).toMatchObject({ aws: { region: 'eu-west-1' }, timeoutMs: 2000 });
    const io = fakeIo();
    const failing = spyRunners({ streamNames: () => Promise.reject(new Error('no credentials')) });
    expect(await runCli(['__complete', 'streams'], { io, version: '1', run: failing.run })).toBe(0);
    expect([io.out(), io.err()]).toEqual(['', '']);
  });

  it('prints no empty or false defaults in any help text (commander shows `(default: [])` for a given default)', async () => {
    for (const command of [
      'get',
      'list',
      'images',
      'streams',
      'join',
      'inspect',
      'archive',
      'completion',
      'emulator',
    ]) {
      const help = (await run([command, '--help'])).io.out();
      expect(help, command).not.toMatch(/\(default: (\[\]|false)\)/);
    }
  });

  it('hides __complete from help', async () => {
    expect((await run(['--help'])).io.out()).not.toContain('__complete');
  });
});
