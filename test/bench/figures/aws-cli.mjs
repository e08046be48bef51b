// Figure 2: what users do today (AWS CLI v2 get-clip over 3-minute windows, then ffmpeg concat) vs kvs-clip get,
// end to end, against one emulator with the AWS quotas ON (both tools see the same service).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emulatorEnv, runTimed, startEmulatorProcess } from '../lib/proc.mjs';
import { describeThrottles } from '../lib/throttles.mjs';
import { fmt, iso, kvsGet, remove, row, sizeOf, streamSpec } from '../lib/context.mjs';

const AWS = '/usr/bin/aws';
const WINDOW_MS = 3 * 60_000;

export async function awsCli(ctx) {
  const windowMs = (ctx.quick ? 12 : 60) * 60_000;
  const figure = `2 vs AWS CLI: ${windowMs / 60_000} min, 100x, quotas on`;
  const missing = [AWS, '/usr/bin/ffmpeg'].filter((p) => !existsSync(p));
  if (missing.length > 0)
    return [
      { ...row(figure, '', '', '', '≥ 5×', undefined, `skipped: ${missing.join(', ')} not installed`), skip: true },
    ];
  const emulator = await startEmulatorProcess({
    streams: [streamSpec({ spanMs: windowMs + 10 * 60_000, endMs: ctx.endMs, bitrate: 100 })],
    tmp: ctx.tmp,
  });
  const dir = join(ctx.tmp, 'aws');
  try {
    const startMs = ctx.endMs - windowMs;
    const env = emulatorEnv(emulator.credentials);

    // Warm the emulator's clip building once so that neither tool pays for the other's cold start.
    const warm = join(ctx.tmp, 'aws-warm.mp4');
    await kvsGet({ emulator, startMs: ctx.endMs - 4 * 60_000, endMs: ctx.endMs, output: warm, tmp: ctx.tmp });
    remove(warm);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // let the 1 s quota window pass

    ctx.log(`aws: kvs-clip get ${windowMs / 60_000} min`);
    const output = join(ctx.tmp, 'aws-kvs.mp4');
    emulator.newRequests();
    const kvs = await kvsGet({ emulator, startMs, endMs: ctx.endMs, output, tmp: ctx.tmp });
    const kvsBytes = sizeOf(output);
    remove(output);
    const kvsLog = emulator.newRequests();
    const kvsThrottled = kvsLog.filter((e) => e.errorType === 'ClientLimitExceededException').length;
    if (kvsThrottled > 0) ctx.note(`Figure 2, kvs-clip throttled: ${describeThrottles(kvsLog).join('; ')}.`);

    ctx.log(`aws: AWS CLI v2, ${windowMs / WINDOW_MS} get-clip calls of 3 min + ffmpeg concat`);
    const started = performance.now();
    let peakKb = 0;
    let retried = 0;
    // The AWS CLI does not retry ClientLimitExceededException (docs/planning.md, "Quotas, pacing and retries"), and on
    // a quiet machine one get-clip of a 3-minute window can finish in under the 1 s quota window: a working script must
    // wait and try again, as `until aws …; do sleep 1; done` does. That loop is part of the baseline.
    const step = async (cmd, args) => {
      for (let attempt = 0; ; attempt++) {
        const result = await runTimed(cmd, args, { env, tmp: ctx.tmp, allowFail: true });
        peakKb = Math.max(peakKb, result.maxRssKb ?? 0);
        if (result.code === 0) return result;
        if (attempt >= 5 || !result.stderr.includes('ClientLimitExceededException')) {
          throw new Error(`${cmd} ${args.slice(0, 3).join(' ')}… exited ${result.code}: ${result.stderr.slice(-400)}`);
        }
        retried++;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    };
    const endpoint = JSON.parse(
      (
        await step(AWS, [
          'kinesisvideo',
          'get-data-endpoint',
          '--endpoint-url',
          emulator.url,
          '--stream-name',
          'cam',
          '--api-name',
          'GET_CLIP',
          '--output',
          'json',
        ])
      ).stdout,
    ).DataEndpoint;
    const files = [];
    mkdirSync(dir, { recursive: true });
    for (let from = startMs; from < ctx.endMs; from += WINDOW_MS) {
      const file = join(dir, `clip-${files.length}.mp4`);
      const selector = `FragmentSelectorType=SERVER_TIMESTAMP,TimestampRange={StartTimestamp=${iso(from)},EndTimestamp=${iso(Math.min(from + WINDOW_MS, ctx.endMs))}}`;
      await step(AWS, [
        'kinesis-video-archived-media',
        'get-clip',
        '--endpoint-url',
        endpoint,
        '--stream-name',
        'cam',
        '--clip-fragment-selector',
        selector,
        file,
      ]);
      files.push(file);
    }
    const list = join(dir, 'list.txt');
    writeFileSync(list, files.map((f) => `file '${f}'\n`).join(''));
    const joined = join(dir, 'joined.mp4');
    await step('/usr/bin/ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      list,
      '-c',
      'copy',
      joined,
    ]);
    const awsMs = performance.now() - started;
    const awsBytes = sizeOf(joined);
    const awsThrottled = emulator.newRequests().filter((e) => e.errorType === 'ClientLimitExceededException').length;
    const ratio = awsMs / kvs.wallMs;
    ctx.note(
      `Figure 2: the AWS CLI baseline is one get-data-endpoint, ${files.length} sequential get-clip calls (3-minute SERVER_TIMESTAMP windows, as users script it; botocore truncates timestamps to whole seconds) and ffmpeg -f concat -safe 0 -c copy. Outputs: kvs-clip ${(kvsBytes / 1e6).toFixed(0)} MB, AWS CLI + ffmpeg ${(awsBytes / 1e6).toFixed(0)} MB. Throttled calls: kvs-clip ${kvsThrottled}, AWS CLI ${awsThrottled} (each retried by the script after 1 s: ${retried} retries).`,
    );
    return [
      row(
        figure,
        fmt.s(kvs.wallMs),
        `aws+ffmpeg ${fmt.s(awsMs)}`,
        fmt.x(ratio),
        '≥ 5× faster',
        ratio >= 5,
        `peak RSS kvs ${fmt.mb(kvs.maxRssKb)}, aws/ffmpeg ${fmt.mb(peakKb)}`,
      ),
    ];
  } finally {
    remove(dir);
    await emulator.stop();
  }
}
