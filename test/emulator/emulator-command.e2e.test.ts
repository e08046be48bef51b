import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { emulatorCommand } from '../../src/cli/commands/emulator.js';
import type { CliIo } from '../../src/cli/io.js';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';

type Harness = { io: CliIo; stop: () => void; firstLine: Promise<string>; stderr: () => string };

function harness(): Harness {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const controller = new AbortController();
  let err = '';
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const firstLine = new Promise<string>((resolve) => {
    let out = '';
    stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
  });
  const io: CliIo = {
    stdout,
    stderr,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    now: () => Date.now(),
    signal: controller.signal,
  };
  return { io, stop: () => controller.abort(), firstLine, stderr: () => err };
}

function program(io: CliIo): Command {
  return new Command('kvs-clip').exitOverride().addCommand(emulatorCommand(io));
}

describe('kvs-clip emulator', () => {
  it('prints one JSON line with url, region, credentials and streams, serves requests, and stops on abort', async () => {
    const h = harness();
    const running = program(h.io).parseAsync(
      [
        'node',
        'kvs-clip',
        'emulator',
        '--port',
        '0',
        '--json',
        '--no-auth',
        '--stream',
        'cam=h264,span=10m',
        '--stream',
        'door=h264_aac,fragment=1s',
      ],
      { from: 'node' },
    );
    const line = JSON.parse(await h.firstLine) as {
      url: string;
      region: string;
      credentials: unknown;
      streams: { name: string }[];
    };
    expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(line.region).toBe('us-east-1');
    expect(line.credentials).toBeNull();
    expect((line as { authMode?: string }).authMode).toBe('off');
    expect(line.streams.map((s) => s.name)).toEqual(['cam', 'door']);
    const reply = await fetch(`${line.url}/listStreams`, { method: 'POST', body: '{}' });
    expect(((await reply.json()) as { StreamInfoList: unknown[] }).StreamInfoList).toHaveLength(2);
    h.stop();
    await running;
    await expect(fetch(`${line.url}/listStreams`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('serves a fleet from one --stream range, each stream live and listed', async () => {
    const h = harness();
    const running = program(h.io).parseAsync(
      [
        'node',
        'kvs-clip',
        'emulator',
        '--port',
        '0',
        '--json',
        '--no-auth',
        '--stream',
        'cam[1-12]=h264,live,fragment=1s',
      ],
      { from: 'node' },
    );
    const line = JSON.parse(await h.firstLine) as { url: string; streams: { name: string }[] };
    expect(line.streams.map((s) => s.name)).toEqual(Array.from({ length: 12 }, (_, i) => `cam${i + 1}`));
    const reply = await fetch(`${line.url}/listStreams`, { method: 'POST', body: '{}' });
    const listed = ((await reply.json()) as { StreamInfoList: { StreamName: string }[] }).StreamInfoList;
    expect(listed.map((s) => s.StreamName).sort()).toEqual(line.streams.map((s) => s.name).sort());
    h.stop();
    await running;
  });

  it('serves the demo stream by default and prints the URL on stdout and a human line on stderr', async () => {
    const h = harness();
    const running = program(h.io).parseAsync(['node', 'kvs-clip', 'emulator', '--port', '0'], { from: 'node' });
    const url = await h.firstLine;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(h.stderr()).toContain(`KVS emulator listening on ${url}`);
    expect(h.stderr()).toContain('demo');
    expect(h.stderr()).toContain('region:      us-east-1 (AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1)');
    expect(h.stderr()).toContain(`AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId}`);
    expect(h.stderr()).toContain('auth:        lenient');
    const unsigned = await fetch(`${url}/describeStream`, { method: 'POST', body: '{"StreamName":"demo"}' });
    expect(unsigned.status).toBe(403);
    h.stop();
    await running;
  });

  it('says in the banner when auth is strict, and then refuses a foreign key', async () => {
    const h = harness();
    const running = program(h.io).parseAsync(
      ['node', 'kvs-clip', 'emulator', '--port', '0', '--strict-auth', '--clip-shape', 'fixture'],
      { from: 'node' },
    );
    const url = await h.firstLine;
    expect(h.stderr()).toContain('auth:        strict (only its own access key)');
    const foreign = await fetch(`${url}/listStreams`, {
      method: 'POST',
      body: '{}',
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/${new Date().toISOString().slice(0, 10).replace(/-/g, '')}/us-east-1/kinesisvideo/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
        'x-amz-date': new Date().toISOString().replace(/[-:]/g, '').slice(0, 15) + 'Z',
      },
    });
    expect([foreign.status, foreign.headers.get('x-amzn-errortype')?.split(':')[0]]).toEqual([
      403,
      'UnrecognizedClientException',
    ]);
    h.stop();
    await running;
  });

  it('reports a bad --stream spec as a usage error', async () => {
    const h = harness();
    const error = await program(h.io)
      .parseAsync(['node', 'kvs-clip', 'emulator', '--port', '0', '--stream', 'cam=h264,fragment=30s'], {
        from: 'node',
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ name: 'UsageError', code: 'E_USAGE' });
    expect((error as Error).message).toContain('fragment=30s');
  });

  it('reports a port in use as a usage error', async () => {
    const h = harness();
    const running = program(h.io).parseAsync(
      ['node', 'kvs-clip', 'emulator', '--port', '0', '--no-auth', '--stream', 'cam=h264,span=1m'],
      { from: 'node' },
    );
    const port = new URL(await h.firstLine).port;
    const second = harness();
    const error = await program(second.io)
      .parseAsync(['node', 'kvs-clip', 'emulator', '--port', port, '--stream', 'cam=h264,span=1m'], { from: 'node' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    h.stop();
    await running;
    expect(error).toMatchObject({ name: 'UsageError', code: 'E_USAGE' });
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
  });

  it('documents the stream grammar and the local credentials in --help', () => {
    const command = emulatorCommand(harness().io);
    let text = '';
    command.configureOutput({ writeOut: (s) => (text += s) });
    command.outputHelp();
    expect(text).toContain('--stream <spec>');
    expect(text).toContain('gap=10:00-10:05');
    expect(text).toContain(LOCAL_CREDENTIALS.accessKeyId);
    expect(text).toContain('AWS_DEFAULT_REGION');
    expect(text).toContain('--strict-auth');
  });
});
