// Figure 6: the emulator's GetClip serving throughput and peak RSS for a 1 h vs a 48 h stream (same clips: the
// newest minutes of each), each emulator a fresh process, quotas off, driven by the raw signed client.
import { fetchClipsRaw } from '../lib/raw-client.mjs';
import { startEmulatorProcess } from '../lib/proc.mjs';
import { fmt, row, streamSpec } from '../lib/context.mjs';

export async function emulatorServe(ctx) {
  const clips = ctx.quick ? 3 : 6;
  const clipMs = 4 * 60_000; // 120 fragments ≈ 94 MB at 100x: under both GetClip caps
  const bodies = Array.from({ length: clips }, (_, i) => ({
    StreamName: 'cam',
    ClipFragmentSelector: {
      FragmentSelectorType: 'PRODUCER_TIMESTAMP',
      TimestampRange: {
        StartTimestamp: (ctx.endMs - (i + 1) * clipMs) / 1000,
        EndTimestamp: (ctx.endMs - i * clipMs - 1) / 1000,
      },
    },
  }));
  const results = {};
  for (const [label, spanMs] of [
    ['1 h', 3_600_000],
    ['48 h', 48 * 3_600_000],
  ]) {
    const emulator = await startEmulatorProcess({
      streams: [streamSpec({ spanMs, endMs: ctx.endMs, bitrate: 100 })],
      flags: ['--no-quotas'],
      tmp: ctx.tmp,
    });
    try {
      ctx.log(`emulator: ${clips} GetClips from a ${label} stream`);
      // A warm-up call so both emulators have loaded their media and compiled the hot paths.
      await fetchClipsRaw({
        url: emulator.url,
        bodies: bodies.slice(0, 1),
        credentials: emulator.credentials,
        region: 'us-east-1',
      });
      const raw = await fetchClipsRaw({
        url: emulator.url,
        bodies,
        credentials: emulator.credentials,
        region: 'us-east-1',
      });
      results[label] = { raw, rssKb: emulator.vmHwmKb() };
    } finally {
      await emulator.stop();
    }
  }
  const one = results['1 h'];
  const two = results['48 h'];
  const speed = two.raw.bytes / two.raw.wallMs / (one.raw.bytes / one.raw.wallMs);
  const memory = two.rssKb / one.rssKb;
  return [
    row(
      '6 emulator: GetClip serving, 48 h vs 1 h stream',
      fmt.mbps(two.raw.bytes, two.raw.wallMs),
      fmt.mbps(one.raw.bytes, one.raw.wallMs),
      fmt.x(speed),
      '≥ 0.90×',
      speed >= 0.9,
      `${clips} clips of ~94 MB each, raw client`,
    ),
    row(
      '6 emulator: peak RSS, 48 h vs 1 h stream',
      fmt.mb(two.rssKb),
      fmt.mb(one.rssKb),
      fmt.x(memory),
      '≤ 1.20×',
      memory <= 1.2,
      'VmHWM after serving',
    ),
  ];
}
