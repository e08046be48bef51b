// Figure 4: --concurrency 1 vs 4 against an emulator with 100 ms latency and a 20 MB/s per-connection cap on
// GetClip, quotas ON; the request log must show no ClientLimitExceededException.
import { join } from 'node:path';
import { fetchClipsRaw } from '../lib/raw-client.mjs';
import { describeThrottles } from '../lib/throttles.mjs';
import { startEmulatorProcess } from '../lib/proc.mjs';
import { fmt, kvsGet, remove, row, streamSpec } from '../lib/context.mjs';

export async function concurrency(ctx) {
  // 8 parts of ~95 MB (100 MB cap) so that 4 in flight divide the work evenly; 4 parts in --quick.
  const windowMs = (ctx.quick ? 16 : 32) * 60_000;
  const faults = [
    { op: 'GetClip', action: { kind: 'latency', ms: 100 } },
    { op: 'GetClip', action: { kind: 'bandwidth', bytesPerSecond: 20_000_000 } },
  ];
  const emulator = await startEmulatorProcess({
    streams: [streamSpec({ spanMs: windowMs + 10 * 60_000, endMs: ctx.endMs, bitrate: 100 })],
    config: { faults },
    tmp: ctx.tmp,
  });
  try {
    const runs = {};
    for (const n of [1, 4]) {
      ctx.log(`concurrency: kvs-clip get ${windowMs / 60_000} min --concurrency ${n}`);
      const output = join(ctx.tmp, 'concurrency.mp4');
      emulator.newRequests();
      const got = await kvsGet({
        emulator,
        startMs: ctx.endMs - windowMs,
        endMs: ctx.endMs,
        output,
        flags: ['--concurrency', String(n)],
        tmp: ctx.tmp,
      });
      remove(output);
      const log = emulator.newRequests();
      const clips = log.filter((e) => e.op === 'GetClip' && e.status === 200);
      runs.firstBody ??= clips[0]?.body;
      const throttled = log.filter((e) => e.errorType === 'ClientLimitExceededException');
      runs[n] = {
        got,
        bytes: clips.reduce((s, e) => s + e.bytesSent, 0),
        violations: throttled.length,
        calls: clips.length,
      };
      if (throttled.length > 0) {
        const detail = describeThrottles(log);
        ctx.note(
          `Figure 4, --concurrency ${n}: ${throttled.length} ClientLimitExceededException: ${detail.join('; ')}. GetClip arrivals (ms after the first): ${clips
            .map((e) => e.at)
            .sort((a, b) => a - b)
            .map((at, _, all) => at - (all[0] ?? 0))
            .join(', ')}.`,
        );
      }
    }
    // What one connection really gets from the emulator under these faults (the raw client, one clip).
    const firstBody = runs.firstBody;
    const probe =
      firstBody === undefined
        ? undefined
        : await fetchClipsRaw({
            url: emulator.url,
            bodies: [firstBody],
            credentials: emulator.credentials,
            region: 'us-east-1',
          });
    const ratio = runs[1].got.wallMs / runs[4].got.wallMs;
    const violations = runs[1].violations + runs[4].violations;
    return [
      row(
        `4 concurrency: get ${windowMs / 60_000} min, 100 ms + 20 MB/s per connection, quotas on`,
        `c=4 ${fmt.s(runs[4].got.wallMs)} (${fmt.mbps(runs[4].bytes, runs[4].got.wallMs)})`,
        `c=1 ${fmt.s(runs[1].got.wallMs)} (${fmt.mbps(runs[1].bytes, runs[1].got.wallMs)})`,
        fmt.x(ratio),
        '≥ 2.5×, 0 throttles',
        ratio >= 2.5 && violations === 0,
        `${runs[4].calls} GetClip calls; ClientLimitExceeded: c=1 ${runs[1].violations}, c=4 ${runs[4].violations}; c=1 floor at 20 MB/s ${fmt.s((runs[1].bytes / 20e6) * 1000)}; raw client, one clip, same faults: ${probe === undefined ? 'n/a' : fmt.mbps(probe.bytes, probe.wallMs)}`,
      ),
    ];
  } finally {
    await emulator.stop();
  }
}
