/**
 * Seeded fuzzing of the untrusted-input paths (issue 2): thousands of mutated and truncated fixture clips through
 * readClip, and mutated second parts through joinFiles. Every outcome must be a success or a MediaError
 * (E_MP4_PARSE / E_MEDIA_UNSUPPORTED; joins may also say E_JOIN_MISMATCH), within 1 s (3 s for a join, which
 * writes files), without large memory growth. A case over its bound is measured again and fails only if slow twice.
 * Reproduce one case: FUZZ_SEED=<seed> FUZZ_CASES=<n> npx vitest run test/mp4/fuzz.test.ts (failures print both).
 * Limitation: a synchronous infinite loop would block this worker instead of failing a case (only an async stall
 * is caught by the per-case race); the per-case time bound catches anything merely slow.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from '../../src/errors/media-error.js';
import { memorySource } from '../../src/mp4/write/file-source.js';
import { joinFiles } from '../../src/mp4/write/join-clips.js';
import { readClip } from '../../src/mp4/read/read-clip.js';
import { FIXTURE_DIR, fixtureSet } from '../fixtures/fixture-sets.js';
import { seededRandom as prng } from '../../src/emulator/seeded-random.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 0x6b7673);
const CASES = Number(process.env['FUZZ_CASES'] ?? 3000);
const JOIN_CASES = Number(process.env['FUZZ_JOIN_CASES'] ?? 80);
const CASE_LIMIT_MS = 1000;
/** A join also writes the output and copies it once more for faststart: disk time on a shared CI runner. */
const JOIN_CASE_LIMIT_MS = 3000;
const RSS_GROWTH_LIMIT = 400 * 1024 * 1024;

type Rng = { int(n: number): number; pick<T>(xs: readonly T[]): T };
function rng(seed: number): Rng {
  const next = prng(seed);
  const int = (n: number): number => Math.floor(next() * n);
  return {
    int,
    pick: <T>(xs: readonly T[]): T => {
      const x = xs[int(xs.length)];
      if (x === undefined) throw new Error('empty pick');
      return x;
    },
  };
}

type BoxLoc = { type: string; offset: number; size: number; depth: number; ancestors: number[] };
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'mvex', 'moof', 'traf', 'udta']);
const COUNTED = new Set([
  'stts',
  'ctts',
  'stsc',
  'stco',
  'co64',
  'stss',
  'elst',
  'stsd',
  'dref',
  'trun',
  'sbgp',
  'sgpd',
]);
const TYPES = [
  'moov',
  'moof',
  'mdat',
  'trak',
  'stbl',
  'stsd',
  'stco',
  'co64',
  'stsz',
  'stts',
  'ctts',
  'avc1',
  'hvc1',
  'mp4a',
  'alaw',
  'mvex',
  'trun',
  'free',
  'elst',
];

/** Every box reachable through plain containers (the test's own walker, independent of src/mp4). */
function walk(bytes: Uint8Array): BoxLoc[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: BoxLoc[] = [];
  const go = (start: number, end: number, depth: number, ancestors: number[]): void => {
    for (let at = start; at + 8 <= end;) {
      const size = view.getUint32(at);
      if (size < 8 || at + size > end) return;
      const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
      out.push({ type, offset: at, size, depth, ancestors });
      if (CONTAINERS.has(type)) go(at + 8, at + size, depth + 1, [...ancestors, at]);
      at += size;
    }
  };
  go(0, bytes.length, 0, []);
  return out;
}

function setU32(b: Uint8Array, at: number, v: number): void {
  if (at + 4 <= b.length) new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(at, v >>> 0);
}

/** Splices `insert` at `at` (or removes `remove` bytes) and keeps the ancestors' 32-bit sizes consistent. */
function splice(b: Uint8Array, box: BoxLoc, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at));
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  const view = new DataView(out.buffer);
  for (const a of box.ancestors) view.setUint32(a, view.getUint32(a) + insert.length - remove);
  return out;
}

const HUGE = [0, 1, 7, 0xffffffff, 0x7fffffff, 0x80000000, 16];

/** One named mutation applied to a copy of `base`. */
function mutate(base: Uint8Array, r: Rng): { bytes: Uint8Array; what: string } {
  if (base.length === 0) return { bytes: base, what: 'empty input' };
  // After an earlier mutation the walker may find nothing: then the whole input stands in for a box.
  const found = walk(base);
  const boxes = found.length > 0 ? found : [{ type: '????', offset: 0, size: base.length, depth: 0, ancestors: [] }];
  const metaFound = boxes.filter((x) => x.type !== 'mdat');
  const meta = metaFound.length > 0 ? metaFound : boxes;
  let b: Uint8Array = base.slice();
  const kind = r.int(9);
  switch (kind) {
    case 0: {
      // random bit flips anywhere
      const k = 1 + r.int(8);
      for (let i = 0; i < k; i++) {
        const at = r.int(b.length);
        b[at] = (b[at] ?? 0) ^ (1 << r.int(8));
      }
      return { bytes: b, what: `${k} bit flips` };
    }
    case 1: {
      // bit flips inside metadata boxes, where the parser actually looks
      const x = r.pick(meta);
      const k = 1 + r.int(4);
      for (let i = 0; i < k; i++) {
        const at = x.offset + r.int(Math.min(x.size, 96));
        b[at] = (b[at] ?? 0) ^ (1 << r.int(8));
      }
      return { bytes: b, what: `${k} bit flips in ${x.type}@${x.offset}` };
    }
    case 2: {
      // truncation anywhere, or inside moov/moof
      const x = r.pick(meta);
      const cut = r.int(2) === 0 ? r.int(b.length) : x.offset + r.int(x.size);
      return { bytes: b.subarray(0, cut), what: `truncated to ${cut}` };
    }
    case 3: {
      // size field 0, 1 (with a garbage or huge largesize), tiny or huge
      const x = r.pick(boxes);
      const v = r.pick(HUGE);
      setU32(b, x.offset, v);
      if (v === 1 && r.int(2) === 0) {
        setU32(b, x.offset + 8, r.pick([0xffffffff, 0x7fffffff, 0, 1]));
        setU32(b, x.offset + 12, r.int(2 ** 32));
      }
      return { bytes: b, what: `size of ${x.type}@${x.offset} = ${v}` };
    }
    case 4: {
      // entry counts that lie (memory bombs)
      const counted = meta.filter((x) => COUNTED.has(x.type) || x.type === 'stsz');
      if (counted.length === 0) return { bytes: b, what: 'no counted box' };
      const x = r.pick(counted);
      const at = x.offset + (x.type === 'stsz' ? 16 : 12);
      const v = r.pick([0xffffffff, 0x7fffffff, 0x10000000, 0, 1 + r.int(1000)]);
      setU32(b, at, v);
      return { bytes: b, what: `count of ${x.type}@${x.offset} = ${v}` };
    }
    case 5: {
      // duplicate a box (parents' sizes kept consistent, or not)
      const x = r.pick(meta);
      const copy = b.slice(x.offset, x.offset + x.size);
      const fix = r.int(2) === 0;
      b = fix
        ? splice(b, x, x.offset + x.size, 0, copy)
        : splice(b, { ...x, ancestors: [] }, x.offset + x.size, 0, copy);
      return { bytes: b, what: `duplicated ${x.type}@${x.offset}${fix ? '' : ' (parent sizes stale)'}` };
    }
    case 6: {
      // remove a box
      const x = r.pick(boxes);
      return { bytes: splice(b, x, x.offset, x.size, new Uint8Array(0)), what: `removed ${x.type}@${x.offset}` };
    }
    case 7: {
      // retype a box
      const x = r.pick(boxes);
      const t = r.pick(TYPES);
      for (let i = 0; i < 4; i++) b[x.offset + 4 + i] = t.charCodeAt(i);
      return { bytes: b, what: `retyped ${x.type}@${x.offset} to ${t}` };
    }
    default: {
      // random 32-bit value written over a metadata field
      const x = r.pick(meta);
      const at = x.offset + 8 + r.int(Math.max(1, Math.min(x.size - 8, 64)));
      const v = r.int(2 ** 32);
      setU32(b, at, v);
      return { bytes: b, what: `u32 ${v} at ${at} in ${x.type}` };
    }
  }
}

type Timed<T> = { value?: T; error?: unknown; timedOut: boolean; ms: number };

/**
 * Runs `attempt` with a time bound. Over the bound it is measured once more: a genuinely slow input is slow every
 * time, while a one-off stall of a loaded 2-core CI machine (other suites run ffmpeg meanwhile) is not.
 */
async function timed<T>(attempt: () => Promise<T>, limitMs: number): Promise<Timed<T>> {
  let result: Timed<T> = { timedOut: true, ms: Infinity };
  for (let run = 0; run < 2; run++) {
    const t0 = performance.now();
    const outcome = await settle(attempt(), limitMs * 5);
    result = { ...outcome, ms: performance.now() - t0 };
    if (!result.timedOut && result.ms <= limitMs) break;
  }
  return result;
}

/** A stuck promise never settles: treat it like a timeout rather than hanging the suite. */
async function settle<T>(p: Promise<T>, ms: number): Promise<{ value?: T; error?: unknown; timedOut: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    const v = await Promise.race([p, timeout]);
    return v === 'timeout' ? { timedOut: true } : { value: v, timedOut: false };
  } catch (error) {
    return { error, timedOut: false };
  } finally {
    clearTimeout(timer);
  }
}

function describeError(e: unknown): string {
  if (e instanceof Error)
    return `${e.constructor.name}${'code' in e ? `(${String(e.code)})` : ''}: ${e.message.split('\n')[0] ?? ''}`;
  return String(e);
}

const READ_CODES = new Set(['E_MP4_PARSE', 'E_MEDIA_UNSUPPORTED']);
const BASES = [
  ...['h264', 'h264_aac', 'h264b_aac', 'h265_aac', 'h264_alaw', 'h264_resx'].map((s) => fixtureSet(s).clips[1] ?? ''),
  join(FIXTURE_DIR, 'layout_faststart.mp4'),
  join(FIXTURE_DIR, 'layout_fragmented.mp4'),
];

describe('readClip on mutated and truncated clips', () => {
  it('parses every unmutated base clip (so the fuzz starts from valid input)', async () => {
    for (const file of BASES) {
      const clip = await readClip(memorySource(new Uint8Array(readFileSync(file))));
      expect(clip.tracks.length, file).toBeGreaterThan(0);
    }
  });

  it(`returns a clip or throws a MediaError within ${CASE_LIMIT_MS} ms for ${CASES} seeded mutations (seed ${SEED})`, async () => {
    const bases = BASES.map((f) => new Uint8Array(readFileSync(f)));
    const r = rng(SEED);
    const failures: string[] = [];
    const rss0 = process.memoryUsage.rss();
    let [parsed, rejected, slowest, slowestCase] = [0, 0, 0, ''];
    for (let i = 0; i < CASES && failures.length < 10; i++) {
      const baseIndex = r.int(bases.length);
      let { bytes, what } = mutate(bases[baseIndex] ?? new Uint8Array(0), r);
      if (r.int(4) === 0) {
        const again = mutate(bytes, r);
        bytes = again.bytes;
        what += ` + ${again.what}`;
      }
      const label = `case ${i} (${basename(BASES[baseIndex] ?? '')}: ${what})`;
      const outcome = await timed(() => readClip(memorySource(bytes)), CASE_LIMIT_MS);
      const ms = outcome.ms;
      if (ms > slowest) [slowest, slowestCase] = [ms, label];
      if (outcome.timedOut || ms > CASE_LIMIT_MS)
        failures.push(`${label}: took ${ms.toFixed(0)} ms twice${outcome.timedOut ? ' and never settled' : ''}`);
      else if (outcome.error === undefined) parsed++;
      else if (outcome.error instanceof MediaError && READ_CODES.has(outcome.error.code)) rejected++;
      else failures.push(`${label}: threw ${describeError(outcome.error)}`);
      const grown = process.memoryUsage.rss() - rss0;
      if (grown > RSS_GROWTH_LIMIT) failures.push(`${label}: RSS grew by ${(grown / 2 ** 20).toFixed(0)} MB`);
    }
    console.log(
      `fuzz readClip: ${parsed} parsed, ${rejected} MediaErrors; slowest ${slowest.toFixed(1)} ms: ${slowestCase}`,
    );
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(parsed + rejected).toBe(CASES);
    // Both outcomes must occur, or the mutations are not reaching the parser.
    expect(rejected).toBeGreaterThan(CASES / 10);
  }, 60_000);
});

describe('joinFiles with a mutated second part', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kvs-fuzz-join-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it(`succeeds or throws a MediaError and leaves nothing under the output name, for ${JOIN_CASES} seeded cases`, async () => {
    const set = fixtureSet('h264_aac');
    const [first, second] = [set.clips[0] ?? '', set.clips[1] ?? ''];
    const base = new Uint8Array(readFileSync(second));
    const r = rng(SEED ^ 0x5a5a5a5a);
    const failures: string[] = [];
    let [joined, rejected] = [0, 0];
    for (let i = 0; i < JOIN_CASES && failures.length < 10; i++) {
      const { bytes, what } = mutate(base, r);
      const part = join(dir, `part-${i}.mp4`);
      const out = join(dir, `out-${i}.mp4`);
      writeFileSync(part, bytes);
      const label = `join case ${i} (${what})`;
      const outcome = await timed(() => joinFiles([first, part], out, {}), JOIN_CASE_LIMIT_MS);
      const ms = outcome.ms;
      if (outcome.timedOut || ms > JOIN_CASE_LIMIT_MS) failures.push(`${label}: took ${ms.toFixed(0)} ms (twice)`);
      else if (outcome.error === undefined) {
        joined++;
        if (!existsSync(out)) failures.push(`${label}: resolved but wrote no output`);
      } else if (outcome.error instanceof MediaError) {
        rejected++;
        const left = readdirSync(dir).filter((f) => f.includes(`out-${i}.`));
        if (left.length > 0)
          failures.push(`${label}: rejected (${describeError(outcome.error)}) but left ${left.join(', ')}`);
      } else failures.push(`${label}: threw ${describeError(outcome.error)}`);
      rmSync(part, { force: true });
      rmSync(out, { force: true });
    }
    console.log(`fuzz joinFiles: ${joined} joined, ${rejected} MediaErrors`);
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(rejected).toBeGreaterThan(0);
  }, 60_000);
});
