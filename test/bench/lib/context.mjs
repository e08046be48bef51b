// Shared helpers for the figures: windows on a fixed stream end, kvs-clip invocations, result rows.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, emulatorEnv, runTimed } from './proc.mjs';

export const MB = 1e6;

/** ISO string of an epoch-ms instant. */
export const iso = (ms) => new Date(ms).toISOString();

/** The H.264+AAC stream spec every figure uses (2 s fragments), ending at `endMs`. */
export function streamSpec({ name = 'cam', spanMs, endMs, bitrate }) {
  return `${name}=h264_aac,fragment=2s,span=${Math.ceil(spanMs / 60_000)}m,end=${iso(endMs)},bitrate=${bitrate}x`;
}

/**
 * Runs `kvs-clip get` for [startMs, endMs) against an emulator; resolves the timed result plus the parsed --json
 * document (`doc`). Extra CLI flags go in `flags`, extra environment variables in `env`.
 */
export async function kvsGet({ emulator, stream = 'cam', startMs, endMs, output, flags = [], tmp, env = {} }) {
  const args = [
    CLI,
    'get',
    stream,
    '--since',
    iso(startMs),
    '--until',
    iso(endMs),
    '--utc',
    `--endpoint-url=${emulator.url}`,
    '-o',
    output,
    '--force',
    '--no-progress',
    '--json',
    ...flags,
  ];
  const result = await runTimed(process.execPath, args, {
    env: { ...emulatorEnv(emulator.credentials), ...env },
    tmp,
    allowFail: true,
  });
  let doc;
  try {
    doc = JSON.parse(result.stdout);
  } catch {
    doc = undefined;
  }
  if (result.code !== 0 || doc?.ok !== true)
    throw new Error(`kvs-clip get exited ${result.code}: ${result.stdout.slice(0, 800)} ${result.stderr.slice(-800)}`);
  return { ...result, doc };
}

/** Sum of file sizes under a path (file or directory), 0 when missing. */
export function sizeOf(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

export const remove = (path) => rmSync(path, { recursive: true, force: true });

/** Formats helpers for the table. */
export const fmt = {
  mbps: (bytes, ms) => `${(bytes / MB / (ms / 1000)).toFixed(1)} MB/s`,
  s: (ms) => `${(ms / 1000).toFixed(1)} s`,
  mb: (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`),
  x: (ratio) => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a'),
};

/**
 * A table row. `pass` is true/false, or undefined for an informational row; `skip` marks a figure that could not
 * run (its note says why).
 */
export function row(figure, kvs, reference, ratio, target, pass, note = '') {
  return { figure, kvs, reference, ratio, target, pass, note };
}
