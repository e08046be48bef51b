import { DescribeStreamCommand, GetDataEndpointCommand, ListStreamsCommand } from '@aws-sdk/client-kinesis-video';
import {
  GetClipCommand,
  ListFragmentsCommand,
  paginateListFragments,
  type Fragment,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { rejection, sdkClients } from './support/sdk-clients.js';

const HOUR = 3_600_000;
const clock = Date.now();
let emu: RunningEmulator;
let control: ReturnType<typeof sdkClients>['control'];
let media: ReturnType<typeof sdkClients>['media'];
const END = clock;

beforeAll(async () => {
  emu = await startEmulator({
    now: () => clock,
    quotas: false,
    streams: [
      { name: 'cam-a', source: { preset: 'h264_aac' }, spanMs: 2 * HOUR, skewMs: 11_000 },
      { name: 'cam-b', source: { preset: 'h265' }, spanMs: HOUR },
      { name: 'door', source: { preset: 'h264' }, spanMs: HOUR },
      { name: 'live-only', source: { preset: 'h264' }, spanMs: HOUR, retentionHours: 0 },
      { name: 'cpd', source: { preset: 'h264_aac' }, spanMs: HOUR, cpdChanges: [{ atMs: END - 30 * 60_000 }] },
    ],
    faults: [
      {
        op: 'DescribeStream',
        stream: 'door',
        action: { kind: 'error', name: 'NotAuthorizedException', message: 'User is not authorized.' },
      },
    ],
  });
  ({ control, media } = sdkClients(emu));
});

afterAll(async () => {
  await emu.close();
});

describe('control plane with SDK v3', () => {
  it('pages ListStreams and filters with BEGINS_WITH', async () => {
    const first = await control.send(new ListStreamsCommand({ MaxResults: 2 }));
    expect(first.StreamInfoList?.map((s) => s.StreamName)).toEqual(['cam-a', 'cam-b']);
    const second = await control.send(new ListStreamsCommand({ MaxResults: 2, NextToken: first.NextToken }));
    expect(second.StreamInfoList?.map((s) => s.StreamName)).toEqual(['cpd', 'door']);
    const cams = await control.send(
      new ListStreamsCommand({ StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: 'cam' } }),
    );
    expect(cams.StreamInfoList?.map((s) => s.StreamName)).toEqual(['cam-a', 'cam-b']);
    expect(cams.NextToken).toBeUndefined();
  });

  it('describes a stream by name and by ARN with a Date creation time', async () => {
    const byName = await control.send(new DescribeStreamCommand({ StreamName: 'cam-a' }));
    expect(byName.StreamInfo).toMatchObject({
      StreamName: 'cam-a',
      Status: 'ACTIVE',
      DataRetentionInHours: 168,
      MediaType: 'video/h264,audio/aac',
    });
    expect(byName.StreamInfo?.CreationTime).toBeInstanceOf(Date);
    expect(byName.StreamInfo?.StreamARN).toMatch(/^arn:aws:kinesisvideo:us-east-1:123456789012:stream\/cam-a\/\d{13}$/);
    const byArn = await control.send(new DescribeStreamCommand({ StreamARN: byName.StreamInfo?.StreamARN }));
    expect(byArn.StreamInfo?.StreamName).toBe('cam-a');
    expect(byArn.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('returns a data endpoint of its own per stream, distinct from the control URL, keeping a path prefix', async () => {
    const out = await control.send(new GetDataEndpointCommand({ StreamName: 'cam-a', APIName: 'GET_CLIP' }));
    expect(out.DataEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/b-[0-9a-f]{8}$/);
    expect(out.DataEndpoint).toBe(emu.dataUrl('cam-a'));
    expect(out.DataEndpoint).not.toBe(emu.url);
    const other = await control.send(new GetDataEndpointCommand({ StreamName: 'cam-b', APIName: 'GET_CLIP' }));
    expect(other.DataEndpoint).not.toBe(out.DataEndpoint);
    const prefixed = sdkClients({ url: `${emu.url}/some/base`, dataUrl: (name) => emu.dataUrl(name) }).control;
    const viaPrefix = await prefixed.send(
      new GetDataEndpointCommand({ StreamName: 'cam-a', APIName: 'LIST_FRAGMENTS' }),
    );
    expect(viaPrefix.DataEndpoint).toBe(emu.dataUrl('cam-a').replace(emu.url, `${emu.url}/some/base`));
  });

  it('raises ResourceNotFoundException for an unknown stream', async () => {
    const error = await rejection(control.send(new DescribeStreamCommand({ StreamName: 'nope' })));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe('The requested stream is not found or not active.');
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });

  it('raises InvalidArgumentException for a bad APIName', async () => {
    const error = await rejection(
      control.send(new GetDataEndpointCommand({ StreamName: 'cam-a', APIName: 'NOPE' as 'GET_CLIP' })),
    );
    expect(error.name).toBe('InvalidArgumentException');
  });

  it('raises NotAuthorizedException as a typed error when injected', async () => {
    const error = await rejection(control.send(new DescribeStreamCommand({ StreamName: 'door' })));
    expect(error.name).toBe('NotAuthorizedException');
    expect(error.$metadata?.httpStatusCode).toBe(401);
  });
});

describe('archived media with SDK v3', () => {
  const range = (fromMs: number, toMs: number) => ({ StartTimestamp: new Date(fromMs), EndTimestamp: new Date(toMs) });

  it('paginates ListFragments (selector re-sent with NextToken) and returns every fragment once', async () => {
    const from = END - HOUR;
    const to = END - HOUR + 60_000;
    const expected = emu.fragments('cam-a', { selector: 'SERVER_TIMESTAMP', startMs: from, endMs: to });
    const seen: Fragment[] = [];
    let pages = 0;
    for await (const page of paginateListFragments(
      { client: media, pageSize: 7 },
      {
        StreamName: 'cam-a',
        FragmentSelector: { FragmentSelectorType: 'SERVER_TIMESTAMP', TimestampRange: range(from, to) },
      },
    )) {
      pages += 1;
      seen.push(...(page.Fragments ?? []));
    }
    expect(pages).toBe(Math.ceil(expected.length / 7));
    const sorted = [...seen].sort((a, b) => (BigInt(a.FragmentNumber ?? 0) < BigInt(b.FragmentNumber ?? 0) ? -1 : 1));
    expect(sorted.map((f) => f.FragmentNumber)).toEqual(expected.map((f) => f.fragmentNumber));
    expect(sorted.map((f) => f.ServerTimestamp?.getTime())).toEqual(expected.map((f) => f.serverMs));
    expect(sorted.map((f) => f.FragmentSizeInBytes)).toEqual(expected.map((f) => f.sizeBytes));
    expect(seen.map((f) => f.FragmentNumber)).not.toEqual(sorted.map((f) => f.FragmentNumber));
    const body = emu.log.ofOp('ListFragments').at(-1)?.body as { NextToken?: string; FragmentSelector?: unknown };
    expect(body.NextToken).toBeDefined();
    expect(body.FragmentSelector).toBeDefined();
  });

  it('rejects MaxResults outside 1-1000 with InvalidArgumentException', async () => {
    const selector = { FragmentSelectorType: 'PRODUCER_TIMESTAMP' as const, TimestampRange: range(END - HOUR, END) };
    for (const MaxResults of [0, 1001]) {
      const error = await rejection(
        media.send(new ListFragmentsCommand({ StreamName: 'cam-a', MaxResults, FragmentSelector: selector })),
      );
      expect(error.name).toBe('InvalidArgumentException');
    }
  });

  it('serves a GetClip body identical to the expected clip of the selected fragments', async () => {
    const fragments = emu.fragments('cam-a', { startMs: END - HOUR, endMs: END - HOUR + 9_000 });
    const first = fragments[0];
    const last = fragments.at(-1);
    if (first === undefined || last === undefined) throw new Error('no fragments');
    const out = await media.send(
      new GetClipCommand({
        StreamName: 'cam-a',
        ClipFragmentSelector: {
          FragmentSelectorType: 'PRODUCER_TIMESTAMP',
          TimestampRange: range(first.producerMs, last.producerMs),
        },
      }),
    );
    expect(out.ContentType).toBe('video/mp4');
    const bytes = await out.Payload?.transformToByteArray();
    const expected = emu.expectedClip('cam-a', fragments);
    expect(bytes?.length).toBe(expected.sizeBytes);
    expect(Buffer.from(bytes ?? []).equals(Buffer.concat([...expected.chunks()]))).toBe(true);
    expect(emu.log.ofOp('GetClip').at(-1)).toMatchObject({
      status: 200,
      fragmentsServed: fragments.length,
      bytesSent: expected.sizeBytes,
    });
  });

  it('answers an empty range with 404 "No fragments found"', async () => {
    const error = await rejection(
      media.send(
        new GetClipCommand({
          StreamName: 'cam-a',
          ClipFragmentSelector: {
            FragmentSelectorType: 'PRODUCER_TIMESTAMP',
            TimestampRange: range(END - 5 * HOUR, END - 4 * HOUR),
          },
        }),
      ),
    );
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe('No fragments found in the stream for the clip request.');
  });

  it('rejects reversed, over-24 h and future SERVER ranges with InvalidArgumentException', async () => {
    const cases = [
      { FragmentSelectorType: 'PRODUCER_TIMESTAMP' as const, TimestampRange: range(END, END - 1000) },
      { FragmentSelectorType: 'PRODUCER_TIMESTAMP' as const, TimestampRange: range(END - 25 * HOUR, END) },
      { FragmentSelectorType: 'SERVER_TIMESTAMP' as const, TimestampRange: range(END - 1000, END + 60_000) },
    ];
    for (const ClipFragmentSelector of cases) {
      const error = await rejection(media.send(new GetClipCommand({ StreamName: 'cam-a', ClipFragmentSelector })));
      expect(error.name).toBe('InvalidArgumentException');
    }
  });

  it('answers the retention edge as AWS does: 400 for SERVER, 404 for PRODUCER', async () => {
    const old = range(END - 200 * HOUR, END - 199 * HOUR);
    const server = await rejection(
      media.send(
        new GetClipCommand({
          StreamName: 'cam-a',
          ClipFragmentSelector: { FragmentSelectorType: 'SERVER_TIMESTAMP', TimestampRange: old },
        }),
      ),
    );
    expect(server.name).toBe('InvalidArgumentException');
    expect(server.message).toBe(`End timestamp ${END - 199 * HOUR} is outside of the stream retention period.`);
    const producer = await rejection(
      media.send(
        new GetClipCommand({
          StreamName: 'cam-a',
          ClipFragmentSelector: { FragmentSelectorType: 'PRODUCER_TIMESTAMP', TimestampRange: old },
        }),
      ),
    );
    expect(producer.name).toBe('ResourceNotFoundException');
  });

  it('raises NoDataRetentionException for a stream without retention', async () => {
    const error = await rejection(
      media.send(
        new GetClipCommand({
          StreamName: 'live-only',
          ClipFragmentSelector: { FragmentSelectorType: 'PRODUCER_TIMESTAMP', TimestampRange: range(END - HOUR, END) },
        }),
      ),
    );
    expect(error.name).toBe('NoDataRetentionException');
  });

  it('raises InvalidCodecPrivateDataException for a range across a codec-config change, and serves each side alone', async () => {
    const across = range(END - 30 * 60_000 - 5_000, END - 30 * 60_000 + 5_000);
    const error = await rejection(
      media.send(
        new GetClipCommand({
          StreamName: 'cpd',
          ClipFragmentSelector: { FragmentSelectorType: 'PRODUCER_TIMESTAMP', TimestampRange: across },
        }),
      ),
    );
    expect(error.name).toBe('InvalidCodecPrivateDataException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    const after = await media.send(
      new GetClipCommand({
        StreamName: 'cpd',
        ClipFragmentSelector: {
          FragmentSelectorType: 'PRODUCER_TIMESTAMP',
          TimestampRange: range(END - 30 * 60_000, END - 30 * 60_000 + 5_000),
        },
      }),
    );
    expect((await after.Payload?.transformToByteArray())?.length).toBeGreaterThan(1000);
  });

  it('caps a clip silently at the first 200 fragments', async () => {
    const out = await media.send(
      new GetClipCommand({
        StreamName: 'cam-b',
        ClipFragmentSelector: {
          FragmentSelectorType: 'PRODUCER_TIMESTAMP',
          TimestampRange: range(END - HOUR - 60_000, END),
        },
      }),
    );
    await out.Payload?.transformToByteArray();
    expect(emu.log.ofOp('GetClip').at(-1)?.fragmentsServed).toBe(200);
  });
});
