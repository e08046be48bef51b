import { GetDataEndpointCommand, ListStreamsCommand } from '@aws-sdk/client-kinesis-video';
import { GetClipCommand, ListFragmentsCommand } from '@aws-sdk/client-kinesis-video-archived-media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { rejection, sdkClients } from './support/sdk-clients.js';

const START = Date.now();
let offsetMs = 0;
let emu: RunningEmulator;
let points: RunningEmulator;

const streams = [
  { name: 'cam', source: { preset: 'h264' as const }, spanMs: 3_600_000, fragmentSeconds: 1 },
  { name: 'other', source: { preset: 'h264' as const }, spanMs: 3_600_000 },
];
const selector = (fromMs: number, toMs: number) => ({
  FragmentSelectorType: 'PRODUCER_TIMESTAMP' as const,
  TimestampRange: { StartTimestamp: new Date(fromMs), EndTimestamp: new Date(toMs) },
});

beforeAll(async () => {
  emu = await startEmulator({ now: () => START + offsetMs, streams });
  points = await startEmulator({
    now: () => START + offsetMs,
    streams,
    quotas: { getClipTps: false },
    caps: { maxFragments: 1000 },
  });
});

afterAll(async () => {
  await Promise.all([emu.close(), points.close()]);
});

describe('quotas', () => {
  it('allows 5 ListFragments per second per stream, answers the 6th with 400 ClientLimitExceededException, and recovers a second later', async () => {
    const { media } = sdkClients(emu);
    const call = (StreamName: string) =>
      media.send(new ListFragmentsCommand({ StreamName, FragmentSelector: selector(START - 60_000, START) }));
    for (let i = 0; i < 5; i += 1) await call('cam');
    const error = await rejection(call('cam'));
    expect(error.name).toBe('ClientLimitExceededException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe("Limit exceeded on number of requests for ListFragments API for resource 'cam'");
    await call('other');
    offsetMs += 1001;
    await call('cam');
  });

  it('limits GetDataEndpoint to 5 TPS per stream with the AWS message', async () => {
    const { control } = sdkClients(emu);
    for (let i = 0; i < 5; i += 1)
      await control.send(new GetDataEndpointCommand({ StreamName: 'other', APIName: 'GET_CLIP' }));
    const error = await rejection(
      control.send(new GetDataEndpointCommand({ StreamName: 'other', APIName: 'GET_CLIP' })),
    );
    expect(error.name).toBe('ClientLimitExceededException');
    expect(error.message).toBe("Limit exceeded on number of requests for GetDataEndpoint API for resource 'other'");
    offsetMs += 1001;
  });

  it('allows one GetClip per second per stream', async () => {
    const { media } = sdkClients(emu);
    const clip = () =>
      media.send(new GetClipCommand({ StreamName: 'cam', ClipFragmentSelector: selector(START - 10_000, START) }));
    await (await clip()).Payload?.transformToByteArray();
    const error = await rejection(clip());
    expect(error.name).toBe('ClientLimitExceededException');
    offsetMs += 1001;
    await (await clip()).Payload?.transformToByteArray();
    offsetMs += 1001;
  });

  it('charges GetClip its fragment count against 500 fragment-media points per second', async () => {
    const { media } = sdkClients(points);
    const clip = (fromMs: number) =>
      media.send(new GetClipCommand({ StreamName: 'cam', ClipFragmentSelector: selector(fromMs, fromMs + 299_000) }));
    await (await clip(START - 1_000_000)).Payload?.transformToByteArray();
    expect(points.log.ofOp('GetClip').at(-1)?.fragmentsServed).toBe(300);
    const error = await rejection(clip(START - 2_000_000));
    expect(error.name).toBe('ClientLimitExceededException');
    expect(error.message).toMatch(/fragment-media points/);
    offsetMs += 1001;
    await (await clip(START - 2_000_000)).Payload?.transformToByteArray();
  });

  it('limits ListStreams to 50 TPS for the account', async () => {
    const { control } = sdkClients(emu);
    offsetMs += 1001;
    const results = await Promise.allSettled(
      Array.from({ length: 51 }, () => control.send(new ListStreamsCommand({}))),
    );
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r.reason as Error).name)).toEqual([
      'ClientLimitExceededException',
    ]);
  });
});

describe('account-level quotas', () => {
  it('allows 25 GetClip calls per second across the account, whatever the streams, and refuses the 26th', async () => {
    const now = Date.now();
    const many = Array.from({ length: 26 }, (_, i) => ({
      name: `cam${i}`,
      source: { preset: 'h264' as const },
      spanMs: 600_000,
    }));
    const account = await startEmulator({ now: () => now, streams: many, quotas: { fragmentMediaPoints: false } });
    try {
      const { media } = sdkClients(account);
      const clip = async (StreamName: string) => {
        const out = await media.send(
          new GetClipCommand({ StreamName, ClipFragmentSelector: selector(now - 10_000, now) }),
        );
        await out.Payload?.transformToByteArray();
      };
      for (let i = 0; i < 25; i += 1) await clip(`cam${i}`);
      const error = await rejection(clip('cam25'));
      expect([error.name, error.$metadata?.httpStatusCode]).toEqual(['ClientLimitExceededException', 400]);
      expect(error.message).toBe('Limit exceeded on number of requests for GetClip API');
    } finally {
      await account.close();
    }
  });
});
