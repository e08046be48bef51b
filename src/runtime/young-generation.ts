/**
 * Keeps V8's young generation at its start-up size for a `get` whose bodies are small (docs/pipeline.md, "Garbage
 * collection").
 *
 * V8 doubles the young generation's semi-spaces (from 1 MB up to 16 MB each) whenever as many bytes as they hold have
 * survived scavenges since the last doubling. The survivors add up over a run whatever its rate, so a long run always
 * ends with the largest semi-spaces and a short one never gets there: the larger they are, the rarer the scavenges,
 * and the more of the dead 64 KB socket Buffers of the bodies wait for one (glibc then keeps that high mark). With
 * `--semi-space-growth-factor=1` they never grow. V8 reads the factor each time it would grow them, so
 * `v8.setFlagsFromString` sets it while running (a start-up flag would need node's command line).
 *
 * Every `get` starts with it (the listing: a day's 44 ListFragments pages grew the semi-spaces to 16 MB in the first
 * second of an unpaced run). An unpaced run gives V8 its own growth back when a part's body is a burst
 * (src/runtime/heap-headroom.ts, `BURST_BYTES`): an unpaced 1 h get of 100× video spent about a fifth more CPU with
 * the small young generation and kept no less memory. A paced run keeps it whatever the body size, and also leaves
 * the old generation's growth to V8: the download's headroom (48 MB above the live heap, for bodies of 32 MB or more)
 * saves mark-compacts where CPU is the limit, and lets a long paced run's dead Buffers pile up by as much.
 */
import { setFlagsFromString } from 'node:v8';

/** V8's own `--semi-space-growth-factor` (Node 20, V8 11.3). */
const V8_GROWTH_FACTOR = 2;

let factor = V8_GROWTH_FACTOR;

function setGrowthFactor(wanted: number): void {
  if (factor === wanted) return;
  factor = wanted;
  setFlagsFromString(`--semi-space-growth-factor=${wanted}`);
}

/** Stops the young generation from growing from now on (idempotent). Never throws. */
export function keepYoungGenerationSmall(): void {
  setGrowthFactor(1);
}

/** Lets the young generation grow as V8 would by itself (idempotent). Never throws. */
export function letYoungGenerationGrow(): void {
  setGrowthFactor(V8_GROWTH_FACTOR);
}
