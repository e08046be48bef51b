// Figure 8 (issue 14): `get -o s3://` against a local s3rver (a separate process) vs the same get to a local file
// followed by `aws s3 cp` of it to the same s3rver; peak RSS of the S3 get vs the local-file get; peak RSS of a 24 h
// get to S3. Quotas off and --no-pacing on every get, so the pipeline is measured, not the 1 call/s quota.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runTimed, startEmulatorProcess } from '../lib/proc.mjs';
import { startS3rverProcess } from '../lib/s3rver-process.mjs';
import { fmt, kvsGet, remove, row, sizeOf, streamSpec } from '../lib/context.mjs';

const AWS = '/usr/bin/aws';
const BUCKET = 'bench';

export async function s3(ctx) {
  // The timed hour at 20x (about 0.4 GB, dozens of parts); the 24 h memory run at 2x, like figure 3.
  const hourBitrate = 20;
  const bitrate = 2;
  const hour = (ctx.quick ? 10 : 60) * 60_000;
  const long = (ctx.quick ? 60 : 24 * 60) * 60_000;
  const label = (ms) => (ms >= 3_600_000 ? `${ms / 3_600_000} h` : `${ms / 60_000} min`);
  const emulator = await startEmulatorProcess({
    streams: [
      streamSpec({ spanMs: long + 10 * 60_000, endMs: ctx.endMs, bitrate }),
      streamSpec({ name: 'hd', spanMs: hour + 10 * 60_000, endMs: ctx.endMs, bitrate: hourBitrate }),
    ],
    flags: ['--no-quotas'],
    tmp: ctx.tmp,
  });
  const store = join(ctx.tmp, 's3rver');
  const s3rver = await startS3rverProcess({ directory: store, bucket: BUCKET });
  // s3rver knows only its own keys; the emulator takes any well-formed signature, so both runs sign with s3rver's.
  const s3env = {
    AWS_ACCESS_KEY_ID: s3rver.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3rver.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3rver.url,
    KVS_CLIP_STAGING_DIR: join(ctx.tmp, 's3-staging'),
  };
  const get = (stream, startMs, output, extra = {}, flags = []) =>
    kvsGet({
      emulator,
      stream,
      startMs,
      endMs: ctx.endMs,
      output,
      flags: ['--no-pacing', ...flags],
      tmp: ctx.tmp,
      env: extra,
    });
  try {
    const rows = [];
    const results = [];
    for (let rep = 0; rep < ctx.reps; rep++) {
      ctx.log(`s3: get ${label(hour)} -o s3:// (rep ${rep + 1})`);
      const toS3 = await get('hd', ctx.endMs - hour, `s3://${BUCKET}/direct-${rep}.mp4`, s3env);
      // Information only: aws s3 cp neither hashes the whole object nor reads it back; --no-s3-sha256 does neither.
      ctx.log(`s3: get ${label(hour)} -o s3:// --no-s3-sha256 (rep ${rep + 1})`);
      const noSha = await get('hd', ctx.endMs - hour, `s3://${BUCKET}/nosha-${rep}.mp4`, s3env, ['--no-s3-sha256']);
      ctx.log(`s3: get ${label(hour)} -o file, then aws s3 cp (rep ${rep + 1})`);
      const file = join(ctx.tmp, 's3-local.mp4');
      const local = await get('hd', ctx.endMs - hour, file, s3env);
      const bytes = sizeOf(file);
      const cp = existsSync(AWS)
        ? await runTimed(
            AWS,
            ['s3', 'cp', file, `s3://${BUCKET}/copied-${rep}.mp4`, '--endpoint-url', s3rver.url, '--only-show-errors'],
            {
              env: {
                ...process.env,
                AWS_ACCESS_KEY_ID: s3rver.credentials.accessKeyId,
                AWS_SECRET_ACCESS_KEY: s3rver.credentials.secretAccessKey,
                AWS_DEFAULT_REGION: 'us-east-1',
                AWS_CONFIG_FILE: '/dev/null',
                AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
                AWS_EC2_METADATA_DISABLED: 'true',
              },
              tmp: ctx.tmp,
            },
          )
        : undefined;
      remove(file);
      results.push({ toS3, noSha, local, cp, bytes });
    }
    const best = (pick) => results.reduce((a, b) => (pick(b) < pick(a) ? b : a));
    const s3Best = best((r) => r.toS3.wallMs);
    const twoStep = best((r) => r.local.wallMs + (r.cp?.wallMs ?? Infinity));
    const twoStepMs = twoStep.local.wallMs + (twoStep.cp?.wallMs ?? NaN);
    const noShaBest = best((r) => r.noSha.wallMs);
    const cpu = (r) => (r?.cpuS === undefined ? 'n/a' : `${r.cpuS.toFixed(1)}`);
    rows.push(
      row(
        `8 s3: get ${label(hour)} -o s3:// vs get -o file + aws s3 cp (${hourBitrate}x, s3rver, --no-pacing)`,
        fmt.s(s3Best.toS3.wallMs),
        twoStep.cp === undefined ? 'aws not installed' : fmt.s(twoStepMs),
        fmt.x(twoStepMs / s3Best.toS3.wallMs),
        'faster',
        twoStep.cp === undefined ? undefined : s3Best.toS3.wallMs < twoStepMs,
        `${(s3Best.bytes / 1e6).toFixed(0)} MB; file get ${fmt.s(twoStep.local.wallMs)} + aws s3 cp ` +
          `${twoStep.cp === undefined ? 'n/a' : fmt.s(twoStep.cp.wallMs)}; best of ${ctx.reps}; CPU s (client only): ` +
          `${cpu(s3Best.toS3)} vs ${cpu(twoStep.local)} + ${cpu(twoStep.cp)}`,
      ),
    );
    rows.push(
      row(
        `8 s3 (info): get ${label(hour)} -o s3:// --no-s3-sha256 vs get -o file + aws s3 cp`,
        fmt.s(noShaBest.noSha.wallMs),
        twoStep.cp === undefined ? 'aws not installed' : fmt.s(twoStepMs),
        fmt.x(twoStepMs / noShaBest.noSha.wallMs),
        'info',
        undefined,
        `no whole-object SHA-256 (no read-back, no self-copy), as aws s3 cp; CPU s ${cpu(noShaBest.noSha)}`,
      ),
    );
    const rssS3 = Math.max(...results.map((r) => r.toS3.maxRssKb ?? 0));
    const rssLocal = Math.max(...results.map((r) => r.local.maxRssKb ?? 0));
    rows.push(
      row(
        `8 s3: peak RSS get ${label(hour)} -o s3:// vs -o file`,
        fmt.mb(rssS3),
        fmt.mb(rssLocal),
        `+${((rssS3 - rssLocal) / 1024).toFixed(0)} MB`,
        '≤ +32 MB',
        (rssS3 - rssLocal) / 1024 <= 32,
        `${hourBitrate}x; highest of ${ctx.reps} runs each`,
      ),
    );
    ctx.log(`s3: get ${label(long)} -o s3://`);
    const longRun = await get('cam', ctx.endMs - long, `s3://${BUCKET}/long.mp4`, s3env);
    rows.push(
      row(
        `8 s3: peak RSS get ${label(long)} -o s3:// (${bitrate}x, --no-pacing)`,
        fmt.mb(longRun.maxRssKb),
        '200 MB',
        fmt.x((longRun.maxRssKb ?? NaN) / 1024 / 200),
        '< 200 MB',
        (longRun.maxRssKb ?? Infinity) / 1024 < 200,
        `${longRun.doc.fragments} fragments, ${fmt.s(longRun.wallMs)}`,
      ),
    );
    return rows;
  } finally {
    await s3rver.stop();
    await emulator.stop();
    remove(store);
  }
}
