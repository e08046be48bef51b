// Figure 5: kvs-clip join alone. (a) ~1 GB of GetClip clips vs a plain copy of the same bytes (cat), (b) peak RSS
// joining 1 h vs 10 h of clips, (c) one real > 4 GiB join, checked with ffprobe. Clips come from the emulator via
// `kvs-clip get --split`; longer inputs repeat one clip set (GetClip clips start at 0, so the joiner lays them end
// to end exactly as it would consecutive clips).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runTimed, startEmulatorProcess } from '../lib/proc.mjs';
import { fmt, kvsGet, remove, row, sizeOf, streamSpec } from '../lib/context.mjs';

export async function joinAlone(ctx) {
  const bigMinutes = ctx.quick ? 10 : 45;
  const smallMinutes = ctx.quick ? 10 : 60;
  const repeat = ctx.quick ? 6 : 10;
  const dir = join(ctx.tmp, 'join');
  mkdirSync(dir, { recursive: true });
  const emulator = await startEmulatorProcess({
    streams: [
      streamSpec({ spanMs: (bigMinutes + 10) * 60_000, endMs: ctx.endMs, bitrate: 100 }),
      streamSpec({ name: 'low', spanMs: (smallMinutes + 10) * 60_000, endMs: ctx.endMs, bitrate: 1 }),
    ],
    flags: ['--no-quotas'],
    tmp: ctx.tmp,
  });
  let big;
  let small;
  try {
    ctx.log(`join: fetching ${bigMinutes} min at 100x and ${smallMinutes} min at 1x as --split clips`);
    big = await fetchSplit(ctx, emulator, 'cam', bigMinutes, join(dir, 'big'));
    small = await fetchSplit(ctx, emulator, 'low', smallMinutes, join(dir, 'small'));
  } finally {
    await emulator.stop();
  }
  const rows = [];
  const out = join(dir, 'out.mp4');
  try {
    const bytes = big.reduce((s, f) => s + sizeOf(f), 0);
    await runTimed('sh', ['-c', 'cat "$@" > /dev/null', 'sh', ...big], { tmp: ctx.tmp }); // warm the page cache for both
    ctx.log(
      `join: ${big.length} clips, ${(bytes / 1e6).toFixed(0)} MB: cat, kvs-clip join, kvs-clip join --no-faststart`,
    );
    const copy = await runTimed('sh', ['-c', 'out=$1; shift; cat "$@" > "$out"', 'sh', out, ...big], { tmp: ctx.tmp });
    remove(out);
    const copySync = await runTimed(
      'sh',
      ['-c', 'out=$1; shift; cat "$@" > "$out" && sync "$out"', 'sh', out, ...big],
      { tmp: ctx.tmp },
    );
    remove(out);
    for (const flags of [[], ['--no-faststart']]) {
      const joined = await kvsJoin(ctx, big, out, flags);
      remove(out);
      const ratio = copy.wallMs / joined.wallMs;
      rows.push(
        row(
          `5 join: ${(bytes / 1e9).toFixed(2)} GB of clips${flags.length ? ` ${flags.join(' ')}` : ' (faststart)'} vs cat`,
          fmt.mbps(bytes, joined.wallMs),
          `cat ${fmt.mbps(bytes, copy.wallMs)}`,
          fmt.x(ratio),
          '≥ 0.8×',
          ratio >= 0.8,
          `join ${fmt.s(joined.wallMs)}, RSS ${fmt.mb(joined.maxRssKb)}; cat+sync ${fmt.mbps(bytes, copySync.wallMs)} (${fmt.x(copySync.wallMs / joined.wallMs)})`,
        ),
      );
    }

    ctx.log(`join: peak RSS ${smallMinutes} min vs ${repeat}× that`);
    const one = await kvsJoin(ctx, small, out, []);
    remove(out);
    const many = await kvsJoin(ctx, Array.from({ length: repeat }, () => small).flat(), out, []);
    remove(out);
    const label = (m) => (m % 60 === 0 ? `${m / 60} h` : `${m} min`);
    for (const [name, run] of [
      [label(smallMinutes), one],
      [label(smallMinutes * repeat), many],
    ]) {
      rows.push(
        row(
          `5 join: peak RSS joining ${name} of clips (1x)`,
          fmt.mb(run.maxRssKb),
          '100 MB',
          fmt.x(run.maxRssKb / 1024 / 100),
          '< 100 MB',
          run.maxRssKb / 1024 < 100,
          `${fmt.s(run.wallMs)}`,
        ),
      );
    }
    const growth = many.maxRssKb / one.maxRssKb;
    rows.push(
      row(
        `5 join: peak RSS ${label(smallMinutes * repeat)} vs ${label(smallMinutes)}`,
        fmt.mb(many.maxRssKb),
        fmt.mb(one.maxRssKb),
        fmt.x(growth),
        '≤ 1.20×',
        growth <= 1.2,
      ),
    );

    rows.push(await bigJoin(ctx, big, bytes, out));
  } finally {
    remove(dir);
  }
  return rows;
}

async function fetchSplit(ctx, emulator, stream, minutes, dir) {
  await kvsGet({
    emulator,
    stream,
    startMs: ctx.endMs - minutes * 60_000,
    endMs: ctx.endMs,
    output: join(dir, 'clip-{part}.mp4'),
    flags: ['--split', '--mkdir'],
    tmp: ctx.tmp,
  });
  const files = readdirSync(dir).filter((f) => f.endsWith('.mp4'));
  files.sort((a, b) => Number(/\d+/.exec(a)?.[0] ?? 0) - Number(/\d+/.exec(b)?.[0] ?? 0));
  if (files.length === 0) throw new Error(`get --split wrote no clips in ${dir}`);
  return files.map((f) => join(dir, f));
}

function kvsJoin(ctx, inputs, output, flags) {
  return runTimed(process.execPath, [CLI, 'join', ...inputs, '-o', output, '--force', '--json', '--quiet', ...flags], {
    tmp: ctx.tmp,
  });
}

async function bigJoin(ctx, clips, bytes, out) {
  const figure = '5 join: one real > 4 GiB join';
  if (ctx.quick)
    return { ...row(figure, '', '', '', 'exit 0, ffprobe ok', undefined, 'skipped in --quick'), skip: true };
  const { bavail, bsize } = statfsSync(ctx.tmp);
  const freeGb = (bavail * bsize) / 1e9;
  if (freeGb < 15)
    return {
      ...row(
        figure,
        '',
        '',
        '',
        'exit 0, ffprobe ok',
        undefined,
        `skipped: ${freeGb.toFixed(1)} GB free in ${ctx.tmp} (< 15 GB)`,
      ),
      skip: true,
    };
  const times = Math.ceil(4.6e9 / bytes);
  ctx.log(`join: > 4 GiB (${times}× the ${(bytes / 1e9).toFixed(2)} GB set), ${freeGb.toFixed(0)} GB free`);
  const inputs = Array.from({ length: times }, () => clips).flat();
  const run = await kvsJoin(ctx, inputs, out, []);
  const size = sizeOf(out);
  let probe = '';
  let ok = false;
  try {
    probe = execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,nb_frames', '-of', 'json', out],
      { encoding: 'utf8' },
    );
    const parsed = JSON.parse(probe);
    ok = size > 4 * 2 ** 30 && Number(parsed.format.duration) > 0 && parsed.streams.length === 2;
    probe = `${Number(parsed.format.duration).toFixed(0)} s, frames ${parsed.streams.map((s) => `${s.codec_name} ${s.nb_frames}`).join(', ')}`;
  } catch (error) {
    probe = `ffprobe failed: ${String(error).slice(0, 120)}`;
  }
  remove(out);
  return row(
    figure,
    `${(size / 2 ** 30).toFixed(2)} GiB in ${fmt.s(run.wallMs)}`,
    `${times}× ${clips.length} clips`,
    '',
    'exit 0, ffprobe ok',
    ok,
    `${fmt.mbps(size, run.wallMs)}, RSS ${fmt.mb(run.maxRssKb)}; ffprobe: ${probe}`,
  );
}
