import { describe, expect, it } from 'vitest';
import { listStreamFragments } from '../../src/emulator/list-stream-fragments.js';
import { selectFragments } from '../../src/emulator/select-fragments.js';
import { SynthStream, type SynthStreamOptions } from '../../src/emulator/synth-stream.js';
import { configSelector, offlinePredicate } from '../../src/emulator/time-marks.js';
import { fakeLoopMedia } from './support/fake-loop-media.js';

const END = Date.UTC(2026, 0, 2, 0, 0, 0);
const HOUR = 3_600_000;

function stream(overrides: Partial<SynthStreamOptions> = {}): SynthStream {
  return new SynthStream({
    description: {
      name: 's',
      arn: 'arn',
      creationMs: 0,
      retentionHours: 168,
      mediaType: 'video/h264',
      version: 'v1',
      deviceName: undefined,
    },
    ordinal: 0,
    media: fakeLoopMedia(),
    fragmentSeconds: 2,
    spanEndMs: END,
    spanMs: HOUR,
    skewMs: 11_000,
    jitterMs: 40,
    seed: 7,
    offline: () => false,
    configAt: () => 0,
    ...overrides,
  });
}

describe('SynthStream', () => {
  it('covers the span with back-to-back fragments whose server time is producer + skew + jitter', () => {
    const s = stream();
    expect(s.slotCount).toBe(1800);
    const first = s.fragmentAt(0);
    const last = s.fragmentAt(1799);
    expect(first?.producerMs).toBe(END - HOUR - 11_000);
    expect(last?.producerMs).toBe(END - 2000 - 11_000);
    for (const f of [first, last]) {
      const lag = (f?.serverMs ?? 0) - (f?.producerMs ?? 0);
      expect(lag).toBeGreaterThanOrEqual(11_000);
      expect(lag).toBeLessThan(11_040);
    }
    expect(last?.serverMs).toBeLessThanOrEqual(END);
  });

  it('numbers fragments with 47-digit strings that increase with ingestion order', () => {
    const s = stream();
    const numbers = [0, 1, 2, 900, 1799].map((k) => BigInt(s.fragmentAt(k)?.fragmentNumber ?? '0'));
    expect(numbers.every((n) => n.toString().length === 47)).toBe(true);
    expect(numbers.every((n, i) => i === 0 || n > (numbers[i - 1] ?? 0n))).toBe(true);
  });

  it('reports a fragment size equal to the bytes its clip samples carry', () => {
    const s = stream();
    for (const k of [0, 3, 4, 1799]) {
      const fragment = s.fragmentAt(k);
      if (fragment === undefined) throw new Error('missing fragment');
      const media = s.clipMedia([fragment]);
      const bytes = media.tracks.flatMap((t) => t.samples).reduce((sum, sample) => sum + sample.bytes().length, 0);
      expect(bytes).toBe(fragment.sizeBytes);
    }
  });

  it('keeps audio continuous across the 8 s loop with strictly increasing decode times', () => {
    const s = stream();
    const fragments = [3, 4, 5].map((k) => s.fragmentAt(k)).filter((f) => f !== undefined);
    const audio = s.clipMedia(fragments).tracks[1]?.samples ?? [];
    expect(audio.length).toBe(Math.ceil((6 * 16000) / 1024) + 0);
    for (let i = 1; i < audio.length; i += 1) expect((audio[i]?.dts ?? 0) - (audio[i - 1]?.dts ?? 0)).toBe(1024);
    const video = s.clipMedia(fragments).tracks[0]?.samples ?? [];
    expect(video.length).toBe(90);
    expect(video.filter((v) => v.sync).length).toBe(6);
  });

  it('leaves offline slots empty and skips them when selecting', () => {
    const s = stream({
      offline: offlinePredicate([{ from: { dailyMinute: 23 * 60 + 30 }, to: { dailyMinute: 23 * 60 + 35 } }]),
    });
    const all = listStreamFragments(s, { startMs: 0, endMs: END }, END);
    expect(all.length).toBe(1800 - 150);
    const inGap = all.filter(
      (f) =>
        new Date(f.producerMs).getUTCMinutes() >= 30 &&
        new Date(f.producerMs).getUTCMinutes() < 35 &&
        new Date(f.producerMs).getUTCHours() === 23,
    );
    expect(inGap).toEqual([]);
  });

  it('selects Start ≤ fragment start ≤ End by either clock', () => {
    const s = stream();
    const f10 = s.fragmentAt(10);
    const f12 = s.fragmentAt(12);
    if (f10 === undefined || f12 === undefined) throw new Error('missing fragment');
    const byProducer = listStreamFragments(
      s,
      { selector: 'PRODUCER_TIMESTAMP', startMs: f10.producerMs, endMs: f12.producerMs },
      END,
    );
    expect(byProducer.map((f) => f.slot)).toEqual([10, 11, 12]);
    const byServer = listStreamFragments(
      s,
      { selector: 'SERVER_TIMESTAMP', startMs: f10.serverMs + 1, endMs: f12.serverMs },
      END,
    );
    expect(byServer.map((f) => f.slot)).toEqual([11, 12]);
  });

  it('hides fragments ingested after now and before the retention window', () => {
    const s = stream({
      description: {
        name: 's',
        arn: 'arn',
        creationMs: 0,
        retentionHours: 0.5,
        mediaType: 'video/h264',
        version: 'v1',
        deviceName: undefined,
      },
    });
    const visible = [
      ...selectFragments(s, { selector: 'SERVER_TIMESTAMP', startMs: 0, endMs: END, nowMs: END - 10 * 60_000 }),
    ];
    expect(visible.every((f) => f.serverMs <= END - 10 * 60_000 && f.serverMs >= END - 40 * 60_000)).toBe(true);
    expect(visible.length).toBeGreaterThan(890);
    expect(visible.length).toBeLessThan(910);
  });

  it('switches to the alternate configuration after a change and back after the next', () => {
    const s = stream({
      media: fakeLoopMedia({ alt: true }),
      configAt: configSelector([{ atMs: END - 30 * 60_000 - 11_000 }]),
    });
    expect(s.fragmentAt(0)?.configId).toBe(0);
    expect(s.fragmentAt(900)?.configId).toBe(1);
    const mixed = s.clipMedia([s.fragmentAt(899), s.fragmentAt(900)].filter((f) => f !== undefined));
    expect(mixed.tracks[0]?.entries.map((e) => e.key)).toEqual(['primary', 'alt']);
  });

  it('keeps ingesting a live stream: new fragments become visible as the clock passes them', () => {
    const s = stream({ live: true });
    const visibleAt = (nowMs: number) =>
      listStreamFragments(s, { selector: 'SERVER_TIMESTAMP', startMs: END - HOUR, endMs: END + HOUR }, nowMs).length;
    expect(visibleAt(END)).toBe(1800);
    expect(visibleAt(END + 60_000)).toBe(1830);
    expect(s.fragmentAt(1830)?.producerMs).toBe(END - 11_000 + 60_000);
  });

  it('iterates a 48 h stream lazily without per-fragment state', () => {
    const s = stream({ spanMs: 48 * HOUR });
    let count = 0;
    for (const _ of selectFragments(s, { selector: 'PRODUCER_TIMESTAMP', startMs: 0, endMs: END, nowMs: END }))
      count += 1;
    expect(count).toBe(86_400);
    expect(Object.keys(s)).toEqual(['description', 'slotCount']);
  });
});
