import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { RemoteError } from '../../src/errors/remote-error.js';
import { createKvsClients, type KvsClients } from '../../src/kvs/clients.js';
import { createKvsSession } from '../../src/kvs/kvs-session.js';
import { clientEmulatorOptions } from '../support/client-emulator-options.js';

const NOW = Math.floor(Date.now() / 1000) * 1000;
const END = NOW - 60_000;
const MIN = 60_000;

let emulator: RunningEmulator;
let clients: KvsClients;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({
    ...clientEmulatorOptions(),
    quotas: false,
    streams: [
      { name: 'fat', source: { preset: 'h264' }, fragmentSeconds: 2, spanMs: 10 * MIN, endMs: END, bitrate: 40 },
      { name: 'stall', source: { preset: 'h264' }, fragmentSeconds: 2, spanMs: 10 * MIN, endMs: END },
      { name: 'trickle', source: { preset: 'h264' }, fragmentSeconds: 2, spanMs: 10 * MIN, endMs: END },
    ],
    faults: [
      { op: 'GetClip', stream: 'stall', action: { kind: 'bandwidth', bytesPerSecond: 20_000 } },
      { op: 'GetClip', stream: 'trickle', action: { kind: 'bandwidth', bytesPerSecond: 100_000 } },
    ],
  });
  clients = createKvsClients({ region: LOCAL_REGION, endpointUrl: emulator.url, credentials: LOCAL_CREDENTIALS });
  dir = await mkdtemp(join(tmpdir(), 'kvs-get-clip-'));
});

afterAll(async () => {
  clients.destroy();
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

const range = { selector: 'server', startMs: END - 5 * MIN, endMs: END } as const;

describe('getClip to a spool file', () => {
  it('writes a multi-megabyte body intact through the deep write buffer, with the size and SHA-256 of the file', async () => {
    const destPath = join(dir, 'fat.mp4');
    let reported = 0;
    const done = await createKvsSession(clients, { stream: { streamName: 'fat' } }).getClip(range, {
      destPath,
      onBytes: (n) => (reported += n),
    });
    const bytes = await readFile(destPath);
    expect(bytes.length).toBeGreaterThan(8 * 1024 * 1024);
    expect(done.bytes).toBe(bytes.length);
    expect(done.contentLength).toBe(bytes.length);
    expect(reported).toBe(bytes.length);
    expect(done.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(emulator.log.ofOp('GetClip').at(-1)?.bytesSent).toBe(bytes.length);
  });

  it('gives up on a body that stalls longer than the idle timeout, as a retryable error, and removes the partial file', async () => {
    const destPath = join(dir, 'stall.mp4');
    // The capped body arrives in slices 50 ms apart: a 20 ms idle timeout fires in the first gap.
    const call = createKvsSession(clients, { stream: { streamName: 'stall' } }).getClip(range, {
      destPath,
      idleTimeoutMs: 20,
    });
    await expect(call).rejects.toBeInstanceOf(RemoteError);
    await expect(stat(destPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps a slow body going while bytes keep arriving within the idle timeout', async () => {
    const destPath = join(dir, 'trickle.mp4');
    const started = Date.now();
    const done = await createKvsSession(clients, { stream: { streamName: 'trickle' } }).getClip(
      { ...range, startMs: END - MIN },
      { destPath, idleTimeoutMs: 400 },
    );
    // The body takes several idle timeouts to arrive (slices every 50 ms): every chunk re-arms the timer.
    expect(Date.now() - started).toBeGreaterThan(1200);
    expect((await stat(destPath)).size).toBe(done.bytes);
  });
});
