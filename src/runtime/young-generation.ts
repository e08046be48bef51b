/**
 * Keeps V8's young generation at its start-up size for the rest of a paced `get` (docs/pipeline.md, "Garbage
 * collection").
 *
 * V8 doubles the young generation's semi-spaces (from 1 MB up to 16 MB each) whenever as many bytes as they hold have
 * survived scavenges since the last doubling. The survivors add up over a run whatever its rate, so a long run always
 * ends with the largest semi-spaces and a short one never gets there: the larger they are, the rarer the scavenges,
 * and the more of the dead 64 KB socket Buffers of the bodies wait for one (glibc then keeps that high mark). With
 * `--semi-space-growth-factor=1` they never grow. V8 reads the factor each time it would grow them, so
 * `v8.setFlagsFromString` sets it while running (a start-up flag would need node's command line).
 *
 * Paced runs only: at the quota's 1 GetClip/s the process waits most of the time and the extra scavenges are cheap,
 * whereas an unpaced 1 h get of 100× video spent about a fifth more CPU with it and kept no less memory. A paced run
 * also leaves the old generation's growth to V8: the download's headroom (48 MB above the live heap, for bodies of 32 MB or more) saves
 * mark-compacts where CPU is the limit, and lets a long paced run's dead Buffers pile up by as much.
 */
import { setFlagsFromString } from 'node:v8';
import { leaveHeapGrowthToV8 } from './heap-headroom.js';

let kept = false;

/** Stops the young generation from growing from now on (idempotent). Never throws. */
export function keepYoungGenerationSmall(): void {
  if (kept) return;
  kept = true;
  setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * The garbage collection of a paced `get`: small young generation, and the old generation's growth left to V8 (the
 * download's headroom, src/runtime/heap-headroom.ts, is for unpaced runs, where CPU is the limit).
 */
export function collectForPacedRun(): void {
  keepYoungGenerationSmall();
  leaveHeapGrowthToV8();
}
