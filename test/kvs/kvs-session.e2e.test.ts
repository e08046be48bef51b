import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { CancelledError } from '../../src/errors/cancelled-error.js';
import { classifyForRetry } from '../../src/kvs/classify-for-retry.js';
import { createKvsClients, type KvsClients } from '../../src/kvs/clients.js';
import { createKvsSession } from '../../src/kvs/kvs-session.js';
import { listStreams } from '../../src/kvs/list-streams.js';
import { rowsOf } from '../../src/plan/fragment-table.js';
import { planParts } from '../../src/plan/plan-parts.js';
import { clientEmulatorOptions } from '../support/client-emulator-options.js';

const HOUR = 3_600_000;
// SigV4 rejects skewed clocks, so the emulator runs on the real clock and the archive ends a minute ago.
const NOW = Math.floor(Date.now() / 1000) * 1000;

let emulator: RunningEmulator;
let clients: KvsClients;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({
    ...clientEmulatorOptions(),
    quotas: false,
    streams: [
      { name: 'cam1', source: { preset: 'h264' }, fragmentSeconds: 2, spanMs: HOUR, endMs: NOW - 60_000 },
      {
        name: 'skewed',
        source: { preset: 'h264' },
        fragmentSeconds: 1,
        spanMs: 20 * 60_000,
        endMs: NOW - 60_000,
        skewMs: 11_000,
        jitterMs: 300,
      },
      { name: 'slow', source: { preset: 'h264' }, spanMs: 10 * 60_000, endMs: NOW - 60_000 },
      { name: 'cam2', source: { preset: 'h264' }, spanMs: 10 * 60_000, endMs: NOW - 60_000 },
      { name: 'door', source: { preset: 'h264' }, spanMs: 10 * 60_000, endMs: NOW - 60_000, retentionHours: 0 },
    ],
    faults: [
      { op: 'GetClip', stream: 'slow', action: { kind: 'bandwidth', bytesPerSecond: 50_000 } },
      { op: 'GetClip', stream: 'cam2', nth: 1, action: { kind: 'reset', afterBytes: 1000 } },
      { op: 'GetClip', stream: 'cam2', nth: 2, action: { kind: 'truncate', afterBytes: 1000 } },
      { op: 'GetClip', stream: 'cam2', nth: 3, action: { kind: 'error', name: 'ClientLimitExceededException' } },
    ],
  });
  clients = createKvsClients({ region: LOCAL_REGION, endpointUrl: emulator.url, credentials: LOCAL_CREDENTIALS });
  dir = await mkdtemp(join(tmpdir(), 'kvs-session-'));
});

afterAll(async () => {
  clients.destroy();
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

const session = (name: string) => createKvsSession(clients, { stream: { streamName: name } });

describe('KvsSession against the emulator', () => {
  it('describes a stream and lists the streams of a region by prefix', async () => {
    await expect(session('cam1').describeStream()).resolves.toMatchObject({
      name: 'cam1',
      status: 'ACTIVE',
      retentionHours: 168,
    });
    const cams = await listStreams(clients, { prefix: 'cam' });
    expect(cams.map((s) => s.name)).toEqual(['cam1', 'cam2']);
  });

  it('lists every fragment of an hour across pages, in play order, with one cached GetDataEndpoint', async () => {
    emulator.log.clear();
    const s = session('cam1');
    const query = { selector: 'server' as const, startMs: NOW - 2 * HOUR, endMs: NOW };
    const fragments = rowsOf(await s.listFragments(query));
    expect(fragments).toHaveLength(1800);
    expect(fragments.every((f, i) => i === 0 || f.serverMs >= fragments[i - 1]!.serverMs)).toBe(true);
    expect(fragments[0]?.fragmentNumber).toMatch(/^\d{40,}$/);
    await s.listFragments(query);
    expect(emulator.log.ofOp('ListFragments').length).toBe(4);
    expect(emulator.log.ofOp('ListFragments')[0]?.body).toMatchObject({ MaxResults: 1000 });
    expect(emulator.log.ofOp('GetDataEndpoint')).toHaveLength(1);
  });

  it.each([
    ['cam1', 'server'],
    ['skewed', 'producer'],
  ] as const)(
    'fetches a planned range of %s by %s timestamps exactly once: each GetClip serves exactly the planned fragments',
    async (name, selector) => {
      const s = session(name);
      const fragmentsAll = rowsOf(await s.listFragments({ selector, startMs: NOW - 2 * HOUR, endMs: NOW }));
      const firstMs = selector === 'server' ? fragmentsAll[0]!.serverMs : fragmentsAll[0]!.producerMs;
      const window = { startMs: firstMs + 5001, endMs: firstMs + 9 * 60_000 };
      const fragments = await s.listFragments({ selector, startMs: window.startMs - 20_000, endMs: window.endMs });
      const plan = planParts(fragments, { selector, window, align: 'cover', limits: { maxFragments: 100 } });
      expect(plan.parts.length).toBeGreaterThan(2);
      emulator.log.clear();
      for (const part of plan.parts) {
        const destPath = join(dir, `${name}-${part.index}.mp4`);
        let progress = 0;
        const download = await s.getClip(
          { selector, startMs: part.startMs, endMs: part.endMs },
          { destPath, onBytes: (n) => (progress += n) },
        );
        expect(download.bytes).toBe((await stat(destPath)).size);
        // Hashed while streaming: the digest of the file as it lies on disk.
        expect(download.sha256).toBe(
          createHash('sha256')
            .update(await readFile(destPath))
            .digest('hex'),
        );
        expect(download.contentLength).toBe(download.bytes);
        expect(progress).toBe(download.bytes);
      }
      expect(emulator.log.ofOp('GetClip').map((e) => e.fragmentsServed)).toEqual(
        plan.parts.map((p) => p.fragmentCount),
      );
      expect(plan.fragmentCount).toBe(plan.parts.reduce((sum, p) => sum + p.fragmentCount, 0));
    },
  );

  it('turns a body reset mid-stream, a short body and a throttle into retryable errors and leaves no partial file', async () => {
    const s = session('cam2');
    const query = { selector: 'server' as const, startMs: NOW - 10 * 60_000, endMs: NOW - 9 * 60_000 };
    const destPath = join(dir, 'cam2.mp4');
    const reset = await s.getClip(query, { destPath }).catch((e: unknown) => e);
    expect(reset).toMatchObject({ code: 'E_REMOTE' });
    expect(classifyForRetry(reset)).toBe('connection');
    const short = await s.getClip(query, { destPath }).catch((e: unknown) => e);
    expect(short).toMatchObject({ code: 'E_REMOTE' });
    // Node notices the early close against Content-Length itself ("aborted", ECONNRESET) before the byte check.
    expect(classifyForRetry(short)).toBe('connection');
    const throttled = await s.getClip(query, { destPath }).catch((e: unknown) => e);
    expect(throttled).toMatchObject({ code: 'E_THROTTLED' });
    expect(classifyForRetry(throttled)).toBe('throttle');
    expect(await readdir(dir)).not.toContain('cam2.mp4');
    await expect(s.getClip(query, { destPath })).resolves.toMatchObject({ bytes: expect.any(Number) });
  });

  it('reports an unknown stream, an empty range and a stream without retention with the documented codes', async () => {
    await expect(session('nope').describeStream()).rejects.toMatchObject({ code: 'E_STREAM_NOT_FOUND', exitCode: 3 });
    const empty = { selector: 'server' as const, startMs: NOW - 30 * HOUR, endMs: NOW - 29 * HOUR };
    await expect(session('cam1').getClip(empty, { destPath: join(dir, 'empty.mp4') })).rejects.toMatchObject({
      code: 'E_NO_MEDIA',
    });
    await expect(session('cam1').listFragments(empty)).resolves.toMatchObject({ length: 0 });
    const door = { selector: 'server' as const, startMs: NOW - 5 * 60_000, endMs: NOW - 4 * 60_000 };
    await expect(session('door').getClip(door, { destPath: join(dir, 'door.mp4') })).rejects.toMatchObject({
      code: 'E_NO_MEDIA',
    });
  });

  it('reports rejected credentials as E_AUTH', async () => {
    const wrong = createKvsClients({
      region: LOCAL_REGION,
      endpointUrl: emulator.url,
      credentials: { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: 'wrong' },
    });
    try {
      const error = await createKvsSession(wrong, { stream: { streamName: 'cam1' } })
        .describeStream()
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_AUTH', exitCode: 4 });
      expect(String((error as Error).message)).not.toContain('wrong');
    } finally {
      wrong.destroy();
    }
  });

  it('reloads the data endpoint after refreshEndpoints', async () => {
    emulator.log.clear();
    const s = session('cam1');
    const query = { selector: 'server' as const, startMs: NOW - HOUR, endMs: NOW - HOUR + 60_000 };
    await s.listFragments(query);
    await s.refreshEndpoints();
    await s.listFragments(query);
    expect(emulator.log.ofOp('GetDataEndpoint')).toHaveLength(2);
  });

  it('stops promptly with the cancellation error when the signal fires', async () => {
    const controller = new AbortController();
    controller.abort(new CancelledError('SIGTERM'));
    const query = { selector: 'server' as const, startMs: NOW - HOUR, endMs: NOW - HOUR + 60_000 };
    await expect(
      session('cam1').getClip(query, { destPath: join(dir, 'cancel.mp4'), signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'E_CANCELLED', exitCode: 143 });
  });

  it('abandons a body mid-stream on Ctrl-C, promptly and without leaving the partial file', async () => {
    const controller = new AbortController();
    const query = { selector: 'server' as const, startMs: NOW - 10 * 60_000, endMs: NOW - 5 * 60_000 };
    const destPath = join(dir, 'slow.mp4');
    const started = Date.now();
    const outcome = session('slow')
      .getClip(query, {
        destPath,
        signal: controller.signal,
        onBytes: () => controller.abort(new CancelledError('SIGINT')),
      })
      .catch((e: unknown) => e);
    await expect(outcome).resolves.toMatchObject({ code: 'E_CANCELLED', exitCode: 130 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await readdir(dir)).not.toContain('slow.mp4');
  });
});

describe('createKvsClients', () => {
  it('asks for a region when none is configured', async () => {
    const saved = {
      region: process.env['AWS_REGION'],
      defaultRegion: process.env['AWS_DEFAULT_REGION'],
      config: process.env['AWS_CONFIG_FILE'],
    };
    delete process.env['AWS_REGION'];
    delete process.env['AWS_DEFAULT_REGION'];
    process.env['AWS_CONFIG_FILE'] = join(dir, 'missing-config');
    const noRegion = createKvsClients({ endpointUrl: emulator.url, credentials: LOCAL_CREDENTIALS });
    try {
      await expect(listStreams(noRegion)).rejects.toMatchObject({ code: 'E_USAGE', exitCode: 2 });
    } finally {
      noRegion.destroy();
      for (const [key, value] of [
        ['AWS_REGION', saved.region],
        ['AWS_DEFAULT_REGION', saved.defaultRegion],
        ['AWS_CONFIG_FILE', saved.config],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
