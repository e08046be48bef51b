#!/usr/bin/env node
// Compares the output bytes of two builds of kvs-clip on the same emulator stream (docs/pipeline.md, "Verified
// unchanged"): a 1 h and a 24 h `get`, a few 1 h variants, and a 10-file `join`. Each output is compared with `cmp`;
// when the bytes differ it says which boxes differ, compares the files again with moov/udta (the KVS start `get`
// records since e400813) and the top-level `free` room removed (stco/co64 shifted to match), and compares
// ffprobe's packet list (stream, pts, dts, duration, size, flags, SHA-256 of the data). Exit 0 when every output
// is identical or differs only in those boxes; 1 otherwise.
//
//   node test/bench/compare-builds.mjs BEFORE_DIR [AFTER_DIR] [--quick]
//
// Each DIR is a built checkout (bin/kvs-clip.js, dist/, test/fixtures/); AFTER_DIR defaults to this one. One
// emulator (AFTER's, --no-quotas, --seed 7) serves both; every window is absolute, on a stream end fixed for the run.
// --quick skips the 24 h get.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { emulatorEnv } from './lib/proc.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const [beforeDir, afterDir = resolve(import.meta.dirname, '../..')] = args.filter((a) => !a.startsWith('--'));
if (beforeDir === undefined) {
  process.stderr.write('usage: node test/bench/compare-builds.mjs BEFORE_DIR [AFTER_DIR] [--quick]\n');
  process.exit(2);
}
const H = 3_600_000;
const iso = (ms) => new Date(ms).toISOString();
const log = (line) => process.stderr.write(`[compare] ${line}\n`);

// ---- MP4 boxes -------------------------------------------------------------------------------------------------
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'udta', 'mvex', 'moof', 'traf']);

function readAt(fd, pos, length) {
  const buffer = Buffer.alloc(length);
  readSync(fd, buffer, 0, length, pos);
  return buffer;
}

/** Top-level boxes of a file, headers only: { type, pos, size, head }. */
function topBoxes(fd) {
  const boxes = [];
  const end = fstatSync(fd).size;
  for (let pos = 0; pos + 8 <= end;) {
    const h = readAt(fd, pos, 16);
    let size = h.readUInt32BE(0);
    let head = 8;
    if (size === 1) [size, head] = [Number(h.readBigUInt64BE(8)), 16];
    else if (size === 0) size = end - pos;
    boxes.push({ type: h.toString('latin1', 4, 8), pos, size, head });
    pos += size;
  }
  return boxes;
}

/** Children of a box held in memory. */
function childBoxes(buffer, start, end) {
  const boxes = [];
  for (let pos = start; pos + 8 <= end;) {
    let size = buffer.readUInt32BE(pos);
    let head = 8;
    if (size === 1) [size, head] = [Number(buffer.readBigUInt64BE(pos + 8)), 16];
    else if (size === 0) size = end - pos;
    boxes.push({ type: buffer.toString('latin1', pos + 4, pos + 8), pos, size, head });
    pos += size;
  }
  return boxes;
}

const sha = (data) => createHash('sha256').update(data).digest('hex').slice(0, 16);

/** stco/co64 entries, each minus `delta`. */
function chunkOffsets(box, delta) {
  const wide = box.toString('latin1', 4, 8) === 'co64';
  const count = box.readUInt32BE(12);
  const out = [];
  for (let i = 0; i < count; i++)
    out.push((wide ? Number(box.readBigUInt64BE(16 + i * 8)) : box.readUInt32BE(16 + i * 4)) - delta);
  return out;
}

/** Every box with its path, size and a payload hash (stco/co64: offsets relative to the first mdat payload). */
function boxList(path) {
  const fd = openSync(path, 'r');
  try {
    const top = topBoxes(fd);
    const mdat = top.find((b) => b.type === 'mdat');
    const mdatPayload = mdat === undefined ? 0 : mdat.pos + mdat.head;
    const rows = [];
    const visit = (buffer, box, prefix) => {
      const name = `${prefix}/${box.type}`;
      const bytes = buffer.subarray(box.pos, box.pos + box.size);
      if (CONTAINERS.has(box.type)) {
        rows.push(`${name} size=${box.size}`);
        for (const child of childBoxes(bytes, box.head, box.size)) visit(bytes, child, name);
      } else if (box.type === 'stco' || box.type === 'co64') {
        rows.push(`${name} size=${box.size} offsets-from-mdat=${sha(chunkOffsets(bytes, mdatPayload).join(','))}`);
      } else rows.push(`${name} size=${box.size} sha256=${sha(bytes.subarray(box.head))}`);
    };
    for (const box of top) {
      if (box.type === 'mdat')
        rows.push(
          `/mdat size=${box.size} sha256=${feedRange(fd, box.pos + box.head, box.size - box.head, createHash('sha256'))
            .digest('hex')
            .slice(0, 16)}`,
        );
      else visit(readAt(fd, box.pos, box.size), { ...box, pos: 0 }, '');
    }
    return rows;
  } finally {
    closeSync(fd);
  }
}

/** Feeds `length` bytes of the file from `pos` into `hash`, 16 MiB at a time. */
function feedRange(fd, pos, length, hash) {
  const block = Buffer.alloc(16 << 20);
  for (let done = 0; done < length;) {
    const n = readSync(fd, block, 0, Math.min(block.length, length - done), pos + done);
    hash.update(block.subarray(0, n));
    done += n;
  }
  return hash;
}

/** A box rebuilt without moov/udta, stco/co64 shifted by `delta`. */
function rebuild(bytes, box, delta) {
  const type = box.type;
  if (CONTAINERS.has(type) && type !== 'udta') {
    const children = childBoxes(bytes, box.pos + box.head, box.pos + box.size)
      .filter((child) => !(type === 'moov' && child.type === 'udta'))
      .map((child) => rebuild(bytes, child, delta));
    const body = Buffer.concat(children);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + body.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, body]);
  }
  const copy = Buffer.from(bytes.subarray(box.pos, box.pos + box.size));
  if (type === 'stco' || type === 'co64') {
    chunkOffsets(copy, delta).forEach((offset, i) => {
      if (type === 'co64') copy.writeBigUInt64BE(BigInt(offset), 16 + i * 8);
      else copy.writeUInt32BE(offset, 16 + i * 4);
    });
  }
  return copy;
}

/** SHA-256 of the file as it would be without moov/udta and top-level free boxes (stco/co64 shifted to match). */
function normalizedHash(path) {
  const fd = openSync(path, 'r');
  try {
    const top = topBoxes(fd);
    const kept = top.filter((box) => box.type !== 'free');
    const moovOf = (box, delta) => rebuild(readAt(fd, box.pos, box.size), { ...box, pos: 0 }, delta);
    const sizeOf = (box) => (box.type === 'moov' ? moovOf(box, 0).length : box.size);
    const mdat = top.find((box) => box.type === 'mdat');
    let newMdatPos = 0;
    for (const box of kept) {
      if (box === mdat) break;
      newMdatPos += sizeOf(box);
    }
    const delta = mdat === undefined ? 0 : mdat.pos - newMdatPos;
    const hash = createHash('sha256');
    for (const box of kept) {
      if (box.type === 'moov') hash.update(moovOf(box, delta));
      else feedRange(fd, box.pos, box.size, hash);
    }
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** SHA-256 of ffprobe's packet list (positions left out: they move with the moov). */
function packetsHash(path) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'packet=stream_index,pts,dts,duration,size,flags',
      '-show_data_hash',
      'sha256',
      '-show_packets',
      '-of',
      'compact=p=0:nk=0',
      path,
    ]);
    const hash = createHash('sha256');
    let packets = 0;
    let rest = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        hash.update(line.replace(/\|pos=\d+/, '') + '\n');
        packets++;
      }
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise({ packets, sha256: hash.digest('hex') }) : reject(new Error(`ffprobe ${code}`)),
    );
  });
}

// ---- runs ------------------------------------------------------------------------------------------------------
function startEmulator(dir, streams) {
  const child = spawn(
    process.execPath,
    [
      join(dir, 'bin/kvs-clip.js'),
      'emulator',
      '--port',
      '0',
      '--json',
      '--no-quotas',
      '--seed',
      '7',
      ...streams.flatMap((s) => ['--stream', s]),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolvePromise, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      if (buffer.includes('\n')) resolvePromise({ ...JSON.parse(buffer.split('\n')[0]), child });
    });
    child.on('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
}

function cli(dir, argv, env) {
  return execFileSync(process.execPath, [join(dir, 'bin/kvs-clip.js'), ...argv], {
    env,
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const same = (a, b) => {
  try {
    execFileSync('cmp', ['-s', a, b]);
    return true;
  } catch {
    return false;
  }
};

function onlyIn(a, b) {
  const counts = new Map();
  for (const row of b) counts.set(row, (counts.get(row) ?? 0) + 1);
  return a.filter((row) => {
    const n = counts.get(row) ?? 0;
    if (n > 0) counts.set(row, n - 1);
    return n === 0;
  });
}

const tmp = mkdtempSync(join(process.env.KVS_CLIP_BENCH_TMP ?? tmpdir(), 'kvs-clip-compare-'));
const end = Math.floor(Date.now() / H) * H - 2 * H;
const stream = [
  'cam=h264_aac,fragment=2s,span=26h',
  `end=${iso(end)}`,
  `gap=${iso(end - 20.5 * H)}/${iso(end - 20.5 * H + 5 * 60_000)}`,
  'skew=11s',
  `cpd-change=${iso(end - 12 * H)}`,
].join(',');
log(`stream ${stream}`);
const emulator = await startEmulator(afterDir, [stream]);
const env = { ...emulatorEnv(emulator.credentials) };
const common = ['--utc', `--endpoint-url=${emulator.url}`, '--no-pacing', '--no-progress'];
const window = (fromH, toH) => ['--since', iso(end - fromH * H), '--until', iso(end - toH * H)];

const cases = [
  { name: 'get-1h', argv: ['get', 'cam', ...window(21, 20), ...common] },
  { name: 'get-1h-gaps-close', argv: ['get', 'cam', ...window(21, 20), ...common, '--gaps', 'close'] },
  { name: 'get-1h-no-faststart', argv: ['get', 'cam', ...window(21, 20), ...common, '--no-faststart'] },
  { name: 'get-1h-stdout', stdout: true, argv: ['get', 'cam', ...window(21, 20), ...common, '-o', '-'] },
  ...(quick ? [] : [{ name: 'get-24h', argv: ['get', 'cam', ...window(25, 1), ...common] }]),
];
let failed = false;
try {
  const inputs = join(tmp, 'inputs');
  mkdirSync(inputs);
  // The join's inputs: ten GetClip bodies as `get --split` keeps them, written once (by BEFORE) for both joins.
  cli(beforeDir, ['get', 'cam', ...window(21, 19.25), ...common, '--split', '-o', join(inputs, 'cam-{part}.mp4')], env);
  const joinInputs = Array.from({ length: 10 }, (_, i) => join(inputs, `cam-${i + 1}.mp4`));
  cases.push({ name: 'join-10', argv: ['join', ...joinInputs] });

  for (const c of cases) {
    const out = {};
    for (const [side, dir] of [
      ['before', beforeDir],
      ['after', afterDir],
    ]) {
      out[side] = join(tmp, `${c.name}.${side}.mp4`);
      const started = performance.now();
      const argv = c.stdout ? c.argv : [...c.argv, '-o', out[side], '--force'];
      const stdout = cli(dir, argv, env);
      if (c.stdout) writeFileSync(out[side], stdout);
      log(`${c.name} ${side}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    log(`${c.name}: kvs-clip ${c.argv.join(' ')}`);
    if (same(out.before, out.after)) {
      log(`${c.name}: cmp: identical`);
      continue;
    }
    const [b, a] = [boxList(out.before), boxList(out.after)];
    log(`${c.name}: cmp: differ; boxes only in before: ${onlyIn(b, a).join('; ') || '(none)'}`);
    log(`${c.name}: boxes only in after: ${onlyIn(a, b).join('; ') || '(none)'}`);
    const normalized = normalizedHash(out.before) === normalizedHash(out.after);
    log(`${c.name}: without moov/udta and free (stco/co64 shifted): ${normalized ? 'identical' : 'DIFFER'}`);
    const [pb, pa] = await Promise.all([packetsHash(out.before), packetsHash(out.after)]);
    const packets = pb.sha256 === pa.sha256;
    log(
      `${c.name}: ffprobe packets: ${pb.packets} vs ${pa.packets}, ${packets ? 'identical' : 'DIFFER'} (${pa.sha256.slice(0, 16)})`,
    );
    // Known: the moov's own size, the udta it gained, and the free room after it; any other box differing is not.
    const known = [...onlyIn(b, a), ...onlyIn(a, b)].every((row) =>
      /^\/moov size=|^\/moov\/udta[ /]|^\/free /.test(row),
    );
    if (!normalized || !packets || !known) failed = true;
  }
} finally {
  emulator.child.kill();
  rmSync(tmp, { recursive: true, force: true });
}
log(
  failed
    ? 'some output differs beyond moov/udta and the reserved free room'
    : 'every output identical, or identical but for moov/udta and the reserved free room',
);
process.exit(failed ? 1 : 0);
