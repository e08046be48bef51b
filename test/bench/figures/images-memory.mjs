// Figure: peak RSS of `kvs-clip images` for 1 h at 1 min (60 pictures) against 24 h at 10 min (144 pictures, 30 h
// of archive listed by GetImages calls of one instant each) with a sheet: the pictures stream to disk one by one,
// so the day must cost about what the hour does. Quotas off (the emulator renders with ffmpeg, the slow part).
import { join } from 'node:path';
import { CLI, emulatorEnv, runTimed, startEmulatorProcess } from '../lib/proc.mjs';
import { fmt, iso, remove, row, sizeOf, streamSpec } from '../lib/context.mjs';

async function kvsImages(ctx, emulator, { minutes, every, dir }) {
  const args = [CLI, 'images', 'cam', '--since', iso(ctx.endMs - minutes * 60_000), '--until', iso(ctx.endMs)];
  args.push('--utc', `--endpoint-url=${emulator.url}`, '--every', every, '-o', join(dir, '{time}.jpg'));
  args.push('--sheet', join(dir, 'sheet.html'), '--force', '--json');
  const result = await runTimed(process.execPath, args, {
    env: emulatorEnv(emulator.credentials),
    tmp: ctx.tmp,
    allowFail: true,
  });
  const doc = JSON.parse(result.stdout || '{}');
  if (result.code !== 0 || doc.ok !== true)
    throw new Error(`kvs-clip images exited ${result.code}: ${result.stderr.slice(-800)}`);
  return { ...result, doc };
}

export async function imagesMemory(ctx) {
  const emulator = await startEmulatorProcess({
    streams: [streamSpec({ spanMs: 25 * 3_600_000, endMs: ctx.endMs, bitrate: 1 })],
    flags: ['--no-quotas'],
    tmp: ctx.tmp,
  });
  try {
    const runs = [];
    for (const [label, minutes, every] of [
      ['1 h at 1m', 60, '1m'],
      ['24 h at 10m', 24 * 60, '10m'],
    ]) {
      ctx.log(`images: ${label}`);
      const dir = join(ctx.tmp, 'images');
      const got = await kvsImages(ctx, emulator, { minutes, every, dir });
      runs.push({ label, got, bytes: sizeOf(dir) });
      remove(dir);
    }
    const [hour, day] = runs;
    const rows = runs.map(({ label, got, bytes }) =>
      row(
        `images: peak RSS ${label} (+ sheet)`,
        fmt.mb(got.maxRssKb),
        '',
        '',
        '',
        undefined,
        `${got.doc.counts.written} pictures, ${(bytes / 1e6).toFixed(1)} MB on disk, ${fmt.s(got.wallMs)}`,
      ),
    );
    const growth = day.got.maxRssKb / hour.got.maxRssKb;
    rows.push(
      row(
        'images: 24 h at 10m vs 1 h at 1m',
        fmt.mb(day.got.maxRssKb),
        fmt.mb(hour.got.maxRssKb),
        fmt.x(growth),
        '≤ 1.30×',
        growth <= 1.3,
      ),
    );
    return rows;
  } finally {
    await emulator.stop();
  }
}
