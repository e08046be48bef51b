/**
 * verifyJoin: the checks of docs/joiner.md, "Verification", as a function. Judges a joined output against
 * the parts it was made from using ffmpeg/ffprobe only, and explains every failure in a sentence.
 */
import {
  alawBytesHash,
  decodeFrames,
  probePackets,
  type FrameRun,
  type MediaInput,
  type PacketTimes,
  type ProbeResult,
  type StreamKind,
} from './ffmpeg.js';

export type VerifyOptions = {
  /** Accept long durations (a `--gaps keep` gap) instead of failing on them; short ones still fail. */
  gapsAllowed?: boolean;
  /** Decoded frame sizes expected in order, e.g. ['320x180', '480x270']. */
  expectSizes?: string[];
  /**
   * Video packet indices (in the output) allowed to differ by GROWING: fragmented output prepends in-band parameter
   * sets to the first keyframe after a codec-config change (docs/joiner.md, "Codec-configuration changes"). Reported in
   * `notes`.
   */
  allowGrownVideoPackets?: number[];
  /**
   * Constant-frame-rate sources (every fixture set): every DTS step except after the last packet must equal the
   * typical duration exactly, not just lie within 0.5x-1.5x (which tolerates KVS timing jitter).
   */
  exactDurations?: boolean;
};

export type StreamVerdict = {
  kind: StreamKind;
  codec: string;
  expectedPackets: number;
  packets: number;
  times: PacketTimes;
};

export type VerifyResult = {
  ok: boolean;
  /** One human-readable sentence per failed check (empty when ok). */
  failures: string[];
  /** What passed, verify-join.sh style ("v: 120 packets bit-identical, same order"). */
  notes: string[];
  streams: Partial<Record<StreamKind, StreamVerdict>>;
  sizes: FrameRun[];
};

function label(input: MediaInput): string {
  return typeof input === 'string' ? input : (input.label ?? 'pipe');
}

/** Typical (most frequent) value; ties go to the smaller value so the choice is stable. */
function mode(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [v, c] of counts)
    if (c > bestCount || (c === bestCount && v < best)) {
      best = v;
      bestCount = c;
    }
  return best;
}

async function checkPayload(
  out: MediaInput,
  parts: string[],
  partProbes: ProbeResult[],
  got: PacketTimes,
  kind: StreamKind,
  pcm: boolean,
  grown: number[],
  r: VerifyResult,
): Promise<number> {
  if (pcm) {
    const [want, have] = [await alawBytesHash(parts), await alawBytesHash(out)];
    if (want === have) r.notes.push(`${kind}: PCM bytes identical (md5 ${have})`);
    else r.failures.push(`${kind}: PCM bytes differ from the parts' bytes (md5 ${have}, expected ${want})`);
    return 0;
  }
  const wantPackets = partProbes.flatMap((p) => p.packets[kind]?.packets ?? []);
  const want = wantPackets.map((x) => x.hash);
  const have = got.packets.map((x) => x.hash);
  const isGrown = (i: number): boolean =>
    grown.includes(i) && (got.packets[i]?.size ?? 0) > (wantPackets[i]?.size ?? Infinity);
  for (const i of grown) {
    if (isGrown(i))
      r.notes.push(
        `${kind}: packet ${i} grew by ${(got.packets[i]?.size ?? 0) - (wantPackets[i]?.size ?? 0)} bytes (allowed)`,
      );
  }
  const first = want.findIndex((h, i) => have[i] !== h && !isGrown(i));
  const grownCount = grown.filter(isGrown).length;
  const except = grownCount > 0 ? ` except ${grownCount} grown keyframe(s)` : '';
  if (first === -1 && have.length === want.length)
    r.notes.push(`${kind}: ${have.length} packets bit-identical${except}, same order`);
  else {
    const where =
      first === -1 ? `${have.length - want.length} extra packets at the end` : `first difference at packet ${first}`;
    r.failures.push(
      `${kind}: packets differ from the parts' packets (expected ${want.length}, got ${have.length}; ${where})`,
    );
  }
  return want.length;
}

function checkTiming(kind: StreamKind, t: PacketTimes, pcm: boolean, options: VerifyOptions, r: VerifyResult): void {
  const gapsAllowed = options.gapsAllowed ?? false;
  const ps = t.packets;
  const nonMonotonic: string[] = [];
  for (let i = 1; i < ps.length; i++) {
    const [a, b] = [ps[i - 1]?.dts ?? null, ps[i]?.dts ?? null];
    if (a === null || b === null || b <= a) nonMonotonic.push(`packet ${i}: dts ${String(b)} after ${String(a)}`);
  }
  if (nonMonotonic.length > 0)
    r.failures.push(
      `${kind}: DTS not strictly increasing at ${nonMonotonic.length} packets (${nonMonotonic.slice(0, 3).join('; ')})`,
    );
  if (pcm) return; // PCM packets are chunks of any size: durations say nothing about joins
  const typical = mode(ps.slice(0, -1).map((p) => p.duration));
  const odd: string[] = [];
  let gaps = 0;
  for (let i = 0; i + 1 < ps.length; i++) {
    const p = ps[i];
    const next = ps[i + 1];
    if (p === undefined || next === undefined || p.dts === null || next.dts === null) continue;
    const delta = next.dts - p.dts;
    const inRange = (d: number): boolean =>
      options.exactDurations === true ? d === typical : d >= 0.5 * typical && d <= 1.5 * typical;
    if (inRange(p.duration) && inRange(delta)) continue;
    if (gapsAllowed && p.duration === delta && p.duration > 1.5 * typical) {
      gaps++;
      continue;
    }
    odd.push(`packet ${i}: duration ${p.duration}, next dts +${delta} (typical ${typical}, tb ${t.timeBase})`);
  }
  if (odd.length > 0) r.failures.push(`${kind}: ${odd.length} odd durations (${odd.slice(0, 3).join('; ')})`);
  else r.notes.push(`${kind}: DTS strictly increasing, no odd durations${gaps > 0 ? ` (${gaps} allowed gaps)` : ''}`);
}

/**
 * Checks `out` against `parts` (in order): packets bit-identical and in order per stream (PCM: bytes identical),
 * DTS strictly increasing, no odd duration at joins (outside 0.5x-1.5x typical; skipped for PCM), zero decode
 * errors, every video packet decoded, and optionally the sequence of decoded frame sizes. Never throws for a bad
 * output (only when a part itself cannot be read); inspect `ok` and `failures`.
 */
export async function verifyJoin(out: MediaInput, parts: string[], options: VerifyOptions = {}): Promise<VerifyResult> {
  const r: VerifyResult = { ok: false, failures: [], notes: [], streams: {}, sizes: [] };
  if (parts.length === 0) throw new Error('verifyJoin needs at least one part');
  const partProbes: ProbeResult[] = [];
  for (const p of parts) partProbes.push(await probePackets(p));
  let outProbe: ProbeResult;
  try {
    outProbe = await probePackets(out);
  } catch (e) {
    r.failures.push(`output ${label(out)} cannot be probed: ${e instanceof Error ? e.message : String(e)}`);
    return r;
  }
  for (const kind of ['v', 'a'] as const) {
    const want = partProbes[0]?.streams.find((s) => s.kind === kind);
    const got = outProbe.streams.find((s) => s.kind === kind);
    const times = outProbe.packets[kind];
    if (want === undefined && got === undefined) continue;
    if (want === undefined || got === undefined || times === undefined) {
      r.failures.push(
        `${kind}: stream ${want === undefined ? 'not in the parts but in the output' : 'missing from the output'}`,
      );
      continue;
    }
    if (got.codec !== want.codec) r.failures.push(`${kind}: codec ${got.codec}, expected ${want.codec}`);
    const pcm = want.codec.startsWith('pcm_');
    const grown = kind === 'v' ? (options.allowGrownVideoPackets ?? []) : [];
    const expectedPackets = await checkPayload(out, parts, partProbes, times, kind, pcm, grown, r);
    checkTiming(kind, times, pcm, options, r);
    r.streams[kind] = { kind, codec: got.codec, expectedPackets, packets: times.packets.length, times };
  }
  const frames = await decodeFrames(out);
  if (frames.errors.length === 0) r.notes.push('decode: no errors');
  else r.failures.push(`decode: ${frames.errors.length} error lines (${frames.errors.slice(0, 3).join(' | ')})`);
  if (r.streams.v !== undefined) {
    r.sizes = frames.sizes;
    const decoded = r.sizes.reduce((n, s) => n + s.frames, 0);
    const runs = r.sizes.map((s) => `${s.frames}@${s.size}`).join(' ');
    if (decoded !== r.streams.v.packets)
      r.failures.push(`v: ${decoded} frames decoded from ${r.streams.v.packets} packets (${runs})`);
    const sizes = r.sizes.map((s) => s.size);
    if (options.expectSizes !== undefined && sizes.join(',') !== options.expectSizes.join(',')) {
      r.failures.push(`v: frame sizes ${runs}, expected ${options.expectSizes.join(' then ')}`);
    } else r.notes.push(`v: frames by size ${runs}`);
  }
  r.ok = r.failures.length === 0;
  return r;
}
