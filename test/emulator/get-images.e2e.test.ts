import { GetImagesCommand, type GetImagesCommandInput } from '@aws-sdk/client-kinesis-video-archived-media';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { describeMedia, haveFfmpeg } from '../support/ffmpeg.js';
import { rejection, sdkClients } from './support/sdk-clients.js';

const MIN = 60_000;
// A fixed clock on whole minutes, so fragment starts (2 s apart, producer time) land on known instants.
const END = Date.UTC(2026, 0, 5, 12, 0, 0);
const GAP_FROM = END - 20 * MIN;
const GAP_TO = END - 15 * MIN;
const started = Date.now();
let emu: RunningEmulator;
let media: ReturnType<typeof sdkClients>['media'];

beforeAll(async () => {
  if (!haveFfmpeg()) return;
  emu = await startEmulator({
    // The archive is anchored at END; the clock moves on from there so the one-second quota windows refill.
    now: () => END + (Date.now() - started),
    quotas: { fragmentMediaPoints: 60 },
    streams: [
      {
        name: 'cam',
        source: { preset: 'h264' },
        spanMs: 60 * MIN,
        jitterMs: 0,
        gaps: [{ from: { atMs: GAP_FROM }, to: { atMs: GAP_TO } }],
      },
      {
        name: 'file',
        source: { file: fileURLToPath(new URL('../fixtures/h264.full.mp4', import.meta.url)) },
        endMs: END,
      },
      { name: 'metered', source: { preset: 'h264' }, spanMs: 60 * MIN, jitterMs: 0 },
      { name: 'archive-off', source: { preset: 'h264' }, spanMs: 10 * MIN, retentionHours: 0 },
      { name: 'broken', source: { preset: 'h264' }, spanMs: 10 * MIN, clipError: 'unsupported-media-type' },
    ],
  });
  ({ media } = sdkClients(emu));
});

afterAll(async () => {
  await emu?.close();
});

const base = (over: Partial<GetImagesCommandInput> = {}): GetImagesCommandInput => ({
  StreamName: 'cam',
  ImageSelectorType: 'PRODUCER_TIMESTAMP',
  StartTimestamp: new Date(END - 40 * MIN),
  EndTimestamp: new Date(END - 40 * MIN + 10_000),
  SamplingInterval: 5_000,
  Format: 'JPEG',
  ...over,
});

const jpegSize = (bytes: Buffer): { width: number; height: number } => {
  for (let i = 2; i < bytes.length - 9;) {
    const marker = bytes[i + 1] ?? 0;
    const length = bytes.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2)
      return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  throw new Error('no SOF marker');
};

describeMedia('GetImages on the emulator, through SDK v3', () => {
  it('returns one decodable JPEG per sampled instant, Start to End inclusive, at the stream resolution', async () => {
    const out = await media.send(new GetImagesCommand(base()));
    expect(out.Images?.map((i) => i.TimeStamp?.getTime())).toEqual([
      END - 40 * MIN,
      END - 40 * MIN + 5_000,
      END - 40 * MIN + 10_000,
    ]);
    for (const image of out.Images ?? []) {
      const bytes = Buffer.from(image.ImageContent ?? '', 'base64');
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      expect(jpegSize(bytes)).toEqual({ width: 320, height: 180 });
    }
    expect(out.NextToken).toBeUndefined();
  });

  it('answers NO_MEDIA for instants in a gap and MEDIA_ERROR where the footage cannot be decoded', async () => {
    const gap = await media.send(
      new GetImagesCommand(base({ StartTimestamp: new Date(GAP_FROM + MIN), EndTimestamp: new Date(GAP_FROM + MIN) })),
    );
    expect(gap.Images).toEqual([{ TimeStamp: new Date(GAP_FROM + MIN), Error: 'NO_MEDIA' }]);
    const broken = await media.send(
      new GetImagesCommand(
        base({ StreamName: 'broken', StartTimestamp: new Date(END - 5 * MIN), EndTimestamp: new Date(END - 5 * MIN) }),
      ),
    );
    expect(broken.Images?.[0]?.Error).toBe('MEDIA_ERROR');
  });

  it('draws pictures of a file stream (--stream name=./video.mp4) too', async () => {
    const at = new Date(END - 3_000);
    const out = await media.send(
      new GetImagesCommand(base({ StreamName: 'file', StartTimestamp: at, EndTimestamp: at })),
    );
    expect(jpegSize(Buffer.from(out.Images?.[0]?.ImageContent ?? '', 'base64'))).toEqual({ width: 320, height: 180 });
  });

  it('pages at 25 images however large MaxResults is, and follows NextToken to the end', async () => {
    const request = base({ EndTimestamp: new Date(END - 40 * MIN + 29 * 1000), SamplingInterval: 1000 });
    const first = await media.send(new GetImagesCommand({ ...request, MaxResults: 100, Format: 'PNG' }));
    expect(first.Images).toHaveLength(25);
    expect(first.NextToken).toMatch(/^[a-zA-Z0-9+/]+={0,2}$/);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await media.send(new GetImagesCommand({ ...request, Format: 'PNG', NextToken: first.NextToken }));
    expect(second.Images?.map((i) => i.TimeStamp?.getTime())).toEqual(
      [25, 26, 27, 28, 29].map((s) => END - 40 * MIN + s * 1000),
    );
    const png = Buffer.from(second.Images?.[0]?.ImageContent ?? '', 'base64');
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(second.NextToken).toBeUndefined();
    const small = await media.send(new GetImagesCommand({ ...request, MaxResults: 2 }));
    expect(small.Images).toHaveLength(2);
  });

  it('scales to WidthPixels x HeightPixels, or keeps the aspect for HeightPixels alone', async () => {
    const both = await media.send(
      new GetImagesCommand(base({ WidthPixels: 100, HeightPixels: 100, EndTimestamp: new Date(END - 40 * MIN) })),
    );
    expect(jpegSize(Buffer.from(both.Images?.[0]?.ImageContent ?? '', 'base64'))).toEqual({ width: 100, height: 100 });
    const tall = await media.send(
      new GetImagesCommand(base({ HeightPixels: 90, EndTimestamp: new Date(END - 40 * MIN) })),
    );
    expect(jpegSize(Buffer.from(tall.Images?.[0]?.ImageContent ?? '', 'base64'))).toEqual({ width: 160, height: 90 });
  });

  it('makes smaller JPEGs at JPEGQuality 5 than at 95', async () => {
    const at = (q: string) =>
      media.send(
        new GetImagesCommand(base({ EndTimestamp: new Date(END - 39 * MIN), FormatConfig: { JPEGQuality: q } })),
      );
    const [low, high] = await Promise.all([at('5'), at('95')]);
    const size = (o: Awaited<ReturnType<typeof at>>) => Buffer.from(o.Images?.[0]?.ImageContent ?? '', 'base64').length;
    expect(size(low)).toBeLessThan(size(high));
  });

  it.each([
    [
      'a range over 300 s',
      { EndTimestamp: new Date(END - 40 * MIN + 300_001) },
      'InvalidArgumentException',
      /300 seconds/,
    ],
    ['End before Start', { EndTimestamp: new Date(END - 41 * MIN) }, 'InvalidArgumentException', /EndTimestamp/],
    ['SamplingInterval below 200 ms', { SamplingInterval: 199 }, 'InvalidArgumentException', /between 200 and 20000/],
    ['SamplingInterval above 20 s', { SamplingInterval: 20_001 }, 'InvalidArgumentException', /between 200 and 20000/],
    ['MaxResults 0', { MaxResults: 0 }, 'InvalidArgumentException', /between 1 and 100/],
    ['MaxResults 101', { MaxResults: 101 }, 'InvalidArgumentException', /between 1 and 100/],
    ['WidthPixels without HeightPixels', { WidthPixels: 100 }, 'ValidationException', /HeightPixels/],
    ['WidthPixels 3841', { WidthPixels: 3841, HeightPixels: 100 }, 'InvalidArgumentException', /between 1 and 3840/],
    ['HeightPixels 2161', { HeightPixels: 2161 }, 'InvalidArgumentException', /between 1 and 2160/],
    ['JPEGQuality 0', { FormatConfig: { JPEGQuality: '0' } }, 'InvalidArgumentException', /JPEGQuality/],
    [
      'a token of another request',
      { NextToken: Buffer.from('{"v":1,"offset":1,"of":"x"}').toString('base64') },
      'InvalidArgumentException',
      /NextToken/,
    ],
    ['a malformed token', { NextToken: 'not a token!' }, 'InvalidArgumentException', /nextToken/],
  ] as const)('rejects %s', async (_name, over, type, message) => {
    const error = await rejection(media.send(new GetImagesCommand(base(over as Partial<GetImagesCommandInput>))));
    expect(error.name).toBe(type);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toMatch(message);
  });

  it('rejects a bad Format and ImageSelectorType with the model wording', async () => {
    const format = await rejection(media.send(new GetImagesCommand(base({ Format: 'GIF' as 'PNG' }))));
    expect(format.message).toMatch(/enum value set: \[JPEG, PNG\]/);
    const selector = await rejection(
      media.send(new GetImagesCommand(base({ ImageSelectorType: 'NOW' as 'SERVER_TIMESTAMP' }))),
    );
    expect(selector.message).toMatch(/imageSelectorType/);
  });

  it('answers 404 for an unknown stream and NoDataRetentionException for a stream without archive', async () => {
    const missing = await rejection(media.send(new GetImagesCommand(base({ StreamName: 'nope' }))));
    expect([missing.name, missing.$metadata?.httpStatusCode]).toEqual(['ResourceNotFoundException', 404]);
    const off = await rejection(media.send(new GetImagesCommand(base({ StreamName: 'archive-off' }))));
    expect(off.name).toBe('NoDataRetentionException');
  });

  it('charges one fragment-media point per image made from footage, throttling past the per-stream budget', async () => {
    // Points are counted per stream: 'metered' sees only this test's calls. Three calls of 25 points against a
    // budget of 60 a second: at least one is refused, before any of its images is made.
    const request = base({
      StreamName: 'metered',
      EndTimestamp: new Date(END - 40 * MIN + 24_000),
      SamplingInterval: 1000,
    });
    const results = await Promise.allSettled([0, 1, 2].map(() => media.send(new GetImagesCommand(request))));
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    const error = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []))[0] ?? new Error('none');
    expect(error.name).toBe('ClientLimitExceededException');
    expect(error.message).toMatch(/GetImages/);
    expect(emu.log.ofOp('GetImages').length).toBeGreaterThan(0);
  });
});
