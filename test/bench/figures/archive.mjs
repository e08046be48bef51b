// Figure 9 (issue 15): `kvs-clip archive` over a fleet. One emulator process serves every stream, quotas ON (the
// documented per-stream limits: 1 GetClip/s, 500 fragment points/s, and 25 GetClip/s for the account). The
// reference is the same command on one stream alone; the fleet run must take ≤ 1.5× as long and peak ≤ 300 MB.
// CPU seconds (user + system, /usr/bin/time) per hour of archived video are reported, the emulator's own apart.
// Then the memory bound: peak RSS of `archive` with 5, 50 and 100 streams at the same --concurrency (info).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, emulatorEnv, runTimed, startEmulatorProcess } from '../lib/proc.mjs';
import { fmt, iso, remove, row, sizeOf, streamSpec } from '../lib/context.mjs';

const MIN = 60_000;
const SEGMENT_MS = 15 * MIN;

export async function archive(ctx) {
  // Full: 20 streams × 30 min at 10x (≈ 0.34 Mbit/s, 38 MB per 15 min segment, 3 GetClips of ≤ 200 fragments
  // each); --quick: 20 streams × 15 min at 1x.
  const fleet = { streams: 20, minutes: ctx.quick ? 15 : 30, bitrate: ctx.quick ? 1 : 10, concurrency: 8 };
  const memory = { counts: [5, 50, 100], minutes: 15, bitrate: ctx.quick ? 1 : 10, concurrency: 8 };
  const rows = [];
  rows.push(...(await fleetFigure(ctx, fleet)));
  rows.push(...(await memoryFigure(ctx, memory)));
  return rows;
}

async function fleetFigure(ctx, { streams, minutes, bitrate, concurrency }) {
  const window = windowOf(ctx, minutes);
  const emulator = await startEmulatorProcess({
    streams: [fleetSpec('cam', streams, window, ctx, bitrate)],
    tmp: ctx.tmp,
  });
  try {
    const names = Array.from({ length: streams }, (_, i) => `cam${i + 1}`);
    ctx.log(`archive: 1 stream × ${minutes} min alone`);
    const alone = await archiveRun(ctx, emulator, { names: names.slice(0, 1), window, concurrency, label: 'alone' });
    ctx.log(`archive: ${streams} streams × ${minutes} min, --concurrency ${concurrency}`);
    const cpuBefore = emulator.cpuS();
    const all = await archiveRun(ctx, emulator, { names, window, concurrency, label: 'fleet' });
    const emulatorCpu = emulator.cpuS() - cpuBefore;
    const ratio = all.wallMs / alone.wallMs;
    const hours = (streams * minutes) / 60;
    const title = `${streams} streams × ${minutes} min (${bitrate}x), --concurrency ${concurrency}, quotas on`;
    return [
      row(
        `9 archive: 1 stream × ${minutes} min alone (the reference)`,
        fmt.s(alone.wallMs),
        '',
        '',
        '',
        undefined,
        `RSS ${fmt.mb(alone.maxRssKb)}, ${alone.calls} GetClip, ${alone.throttled} throttled, CPU ${alone.cpuS?.toFixed(1)} s`,
      ),
      row(
        `9 archive: wall, ${title}`,
        fmt.s(all.wallMs),
        `1 stream ${fmt.s(alone.wallMs)}`,
        fmt.x(ratio),
        '≤ 1.5×',
        ratio <= 1.5,
        `${(all.bytes / 1e9).toFixed(2)} GB in ${all.calls} GetClip calls, ${all.throttled} throttled (ClientLimitExceeded, retried)`,
      ),
      row(
        `9 archive: peak RSS, ${title}`,
        fmt.mb(all.maxRssKb),
        '300 MB',
        '',
        '≤ 300 MB',
        all.maxRssKb !== undefined && all.maxRssKb <= 300 * 1024,
        `1 stream alone ${fmt.mb(alone.maxRssKb)}`,
      ),
      row(
        `9 archive: CPU per archived hour, ${title}`,
        all.cpuS === undefined ? 'n/a' : `${(all.cpuS / hours).toFixed(2)} CPU s/h`,
        emulatorCpu === undefined ? '' : `emulator ${(emulatorCpu / hours).toFixed(2)} CPU s/h`,
        '',
        '',
        undefined,
        `kvs-clip ${all.cpuS?.toFixed(1)} CPU s (user + sys) for ${hours} h of video (${fmt.mbps(all.bytes, all.wallMs)})`,
      ),
    ];
  } finally {
    await emulator.stop();
  }
}

async function memoryFigure(ctx, { counts, minutes, bitrate, concurrency }) {
  const window = windowOf(ctx, minutes);
  const most = Math.max(...counts);
  const emulator = await startEmulatorProcess({
    streams: [fleetSpec('mem', most, window, ctx, bitrate)],
    tmp: ctx.tmp,
  });
  try {
    const runs = [];
    for (const count of counts) {
      ctx.log(`archive: peak RSS, ${count} streams × ${minutes} min, --concurrency ${concurrency}`);
      const names = Array.from({ length: count }, (_, i) => `mem${i + 1}`);
      runs.push(await archiveRun(ctx, emulator, { names, window, concurrency, label: `mem${count}` }));
    }
    // 5 → 50 streams: how memory grows while the streams worked at once rise to their cap (4 × --concurrency);
    // 50 → 100: past the cap, the fleet's size alone (should stay flat: memory follows the concurrency).
    return runs.slice(1).map((many, i) => {
      const few = runs[i];
      return row(
        `9 archive: peak RSS ${counts[i + 1]} vs ${counts[i]} streams × ${minutes} min, --concurrency ${concurrency}`,
        `${counts[i + 1]}: ${fmt.mb(many.maxRssKb)}`,
        `${counts[i]}: ${fmt.mb(few.maxRssKb)}`,
        fmt.x(many.maxRssKb / few.maxRssKb),
        '',
        undefined,
        `${fmt.s(many.wallMs)} vs ${fmt.s(few.wallMs)}; ${many.calls} vs ${few.calls} GetClip calls`,
      );
    });
  } finally {
    await emulator.stop();
  }
}

/** The last `minutes` before the newest segment boundary that lies before the bench's fixed stream end. */
function windowOf(ctx, minutes) {
  const endMs = Math.floor(ctx.endMs / SEGMENT_MS) * SEGMENT_MS;
  return { startMs: endMs - minutes * MIN, endMs };
}

/** `name[1-N]=…`: one emulator flag for the whole fleet, every stream covering the window. */
function fleetSpec(name, count, window, ctx, bitrate) {
  return streamSpec({
    name: `${name}[1-${count}]`,
    spanMs: ctx.endMs - window.startMs + 2 * MIN,
    endMs: ctx.endMs,
    bitrate,
  });
}

/**
 * One `kvs-clip archive` (once mode) of `names` over the window, with the clock pinned at the window's end and no
 * settle time, so exactly the window's segments are due. Checks that every stream got every segment with the
 * fragments the stream has; resolves wall time, peak RSS, CPU and the emulator's GetClip counts.
 */
async function archiveRun(ctx, emulator, { names, window, concurrency, label }) {
  const dir = join(ctx.tmp, `archive-${label}`);
  mkdirSync(dir, { recursive: true });
  emulator.newRequests();
  const args = [
    CLI,
    'archive',
    ...names,
    '--segment',
    `${SEGMENT_MS / MIN}m`,
    '--settle',
    '0',
    '--since',
    iso(window.startMs),
    '--state-dir',
    join(dir, 'state'),
    '-o',
    join(dir, '{stream}/{start:%Y%m%dT%H%M%SZ}.mp4'),
    '--concurrency',
    String(concurrency),
    `--endpoint-url=${emulator.url}`,
    '--json',
  ];
  try {
    const result = await runTimed(process.execPath, args, {
      env: { ...emulatorEnv(emulator.credentials), KVS_CLIP_NOW: String(window.endMs) },
      tmp: ctx.tmp,
      allowFail: true,
    });
    let doc;
    try {
      doc = JSON.parse(result.stdout);
    } catch {
      doc = undefined;
    }
    if (result.code !== 0 || doc?.ok !== true)
      throw new Error(
        `kvs-clip archive exited ${result.code}: ${result.stdout.slice(0, 600)} ${result.stderr.slice(-600)}`,
      );
    checkCoverage(doc, names, window);
    const log = emulator.newRequests();
    const clips = log.filter((e) => e.op === 'GetClip' && e.status === 200);
    return {
      ...result,
      bytes: sizeOf(dir) - sizeOf(join(dir, 'state')),
      calls: clips.length,
      throttled: log.filter((e) => e.errorType === 'ClientLimitExceededException').length,
    };
  } finally {
    remove(dir);
  }
}

/** Every stream ok, with one segment per 15 min of the window, each holding 450 fragments (2 s each). */
function checkCoverage(doc, names, window) {
  const segments = (window.endMs - window.startMs) / SEGMENT_MS;
  const fragments = SEGMENT_MS / 2000;
  for (const name of names) {
    const outcome = doc.streams.find((s) => s.stream === name);
    const got = outcome?.segments ?? [];
    if (outcome?.status !== 'ok' || got.length !== segments || got.some((s) => s.fragments !== fragments))
      throw new Error(
        `archive ${name}: expected ${segments} segments of ${fragments} fragments, got ${outcome?.status} ${got.map((s) => s.fragments).join(',')}`,
      );
  }
}
