import type { StreamSpec } from './stream-spec.js';

/**
 * The streams `kvs-clip emulator` serves when none are given, and what `kvs-clip get demo --local` downloads from:
 * "demo", H.264 + AAC, 2 s fragments covering the 48 h before `nowMs` and still live (new fragments keep arriving),
 * with 11 s producer→server skew as observed on AWS (docs/planning.md, "How KVS selects fragments").
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
    },
  ];
}
