import type { StreamSpec } from './stream-spec.js';

/** The demo stream's CreationTime: fixed, so its ARN is the same whenever the emulator starts. */
const DEMO_CREATED_MS = Date.UTC(2024, 0, 1);

/**
 * The streams `kvs-clip emulator` serves when none are given, and what `kvs-clip get demo --local` downloads from:
 * "demo", H.264 + AAC, 2 s fragments covering the 48 h before `nowMs` and still live (new fragments keep arriving),
 * with 11 s producer→server skew as observed on AWS (docs/planning.md, "How KVS selects fragments"). Its fragments
 * sit on the epoch grid and its ARN is fixed, so every start serves the same fragments for the same times and an
 * interrupted `--local` download resumes (docs/emulator.md, "Stable streams").
 */
export function demoStreams(nowMs: number): StreamSpec[] {
  return [
    {
      name: 'demo',
      source: { preset: 'h264_aac' },
      fragmentSeconds: 2,
      spanMs: 48 * 3_600_000,
      endMs: nowMs,
      retentionHours: 72,
      skewMs: 11_000,
      live: true,
      epochSlots: true,
      createdMs: Math.min(DEMO_CREATED_MS, nowMs - 49 * 3_600_000),
    },
  ];
}
