/**
 * Holds the `--json` schema (src/cli/render/json.ts, schemaVersion 1) stable: every command's success document and
 * the failure document, produced by the BUILT CLI against the emulator and the fixtures, must have exactly the keys
 * written out below with the right value types. Renaming, dropping or retyping a field fails here; adding one fails
 * too, on purpose, so that the README and this file are updated with it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { parseStreamSpec } from '../../src/emulator/stream-spec.js';
import { runCli } from '../support/spawn-cli.js';
import { clientEmulatorOptions } from '../support/client-emulator-options.js';

// ---- a small schema language and its validator ----

type Spec =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'null'
  | 'instant'
  | { readonly literal: string | number | boolean }
  | { readonly oneOf: readonly string[] }
  | { readonly array: Spec }
  | { readonly object: Readonly<Record<string, Spec>>; readonly optional?: Readonly<Record<string, Spec>> }
  | { readonly anyOf: readonly Spec[] };

const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Every way `value` departs from `spec`, as `path: problem` lines (empty when it conforms). */
function violations(value: unknown, spec: Spec, path = '$'): string[] {
  if (typeof spec === 'string') {
    switch (spec) {
      case 'string':
        return typeof value === 'string' ? [] : [`${path}: expected a string, got ${JSON.stringify(value)}`];
      case 'number':
        return typeof value === 'number' && Number.isFinite(value)
          ? []
          : [`${path}: expected a number, got ${JSON.stringify(value)}`];
      case 'integer':
        return Number.isSafeInteger(value) ? [] : [`${path}: expected an integer, got ${JSON.stringify(value)}`];
      case 'boolean':
        return typeof value === 'boolean' ? [] : [`${path}: expected a boolean, got ${JSON.stringify(value)}`];
      case 'null':
        return value === null ? [] : [`${path}: expected null, got ${JSON.stringify(value)}`];
      case 'instant':
        return typeof value === 'string' && ISO_INSTANT.test(value)
          ? []
          : [`${path}: expected an ISO instant, got ${JSON.stringify(value)}`];
    }
  }
  if ('literal' in spec)
    return value === spec.literal
      ? []
      : [`${path}: expected ${JSON.stringify(spec.literal)}, got ${JSON.stringify(value)}`];
  if ('oneOf' in spec)
    return typeof value === 'string' && spec.oneOf.includes(value)
      ? []
      : [`${path}: expected one of ${spec.oneOf.join('|')}, got ${JSON.stringify(value)}`];
  if ('anyOf' in spec) {
    const attempts = spec.anyOf.map((option) => violations(value, option, path));
    return attempts.some((problems) => problems.length === 0)
      ? []
      : [`${path}: matches no alternative: ${attempts.flat().join('; ')}`];
  }
  if ('array' in spec) {
    if (!Array.isArray(value)) return [`${path}: expected an array, got ${JSON.stringify(value)}`];
    return value.flatMap((item: unknown, index) => violations(item, spec.array, `${path}[${index}]`));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [`${path}: expected an object, got ${JSON.stringify(value)}`];
  const record = value as Record<string, unknown>;
  const optional = spec.optional ?? {};
  const problems: string[] = [];
  for (const key of Object.keys(spec.object)) {
    if (!(key in record)) problems.push(`${path}.${key}: missing`);
    else problems.push(...violations(record[key], spec.object[key] ?? 'null', `${path}.${key}`));
  }
  for (const key of Object.keys(record)) {
    if (key in spec.object) continue;
    const optionalSpec = optional[key];
    if (optionalSpec === undefined) problems.push(`${path}.${key}: not in the schema`);
    else problems.push(...violations(record[key], optionalSpec, `${path}.${key}`));
  }
  return problems;
}

/** An object spec extended with more required or optional keys. */
function extend(
  base: { object: Record<string, Spec>; optional?: Record<string, Spec> },
  object: Record<string, Spec>,
  optional: Record<string, Spec> = {},
) {
  return { object: { ...base.object, ...object }, optional: { ...base.optional, ...optional } };
}

// ---- the schema of json.ts, written out ----

const SUCCESS = { ok: { literal: true }, schemaVersion: { literal: 1 } } as const;
const SPAN = { object: { start: 'instant', end: 'instant', durationMs: 'integer' } } as const satisfies Spec;
const WINDOW = extend(SPAN, { tz: 'string' });
const SELECTOR: Spec = { oneOf: ['server', 'producer'] };
const PART_BASE = extend(SPAN, { index: 'integer', fragments: 'integer', bytes: 'integer' });
/** What a part may carry: JsonPart's optional keys. Which of them a run must carry is checked by the tests below. */
const PART = extend(PART_BASE, {}, { downloadedBytes: 'integer', resumed: 'boolean', output: 'string' });

const GET: Spec = {
  object: {
    ...SUCCESS,
    command: { literal: 'get' },
    stream: 'string',
    window: WINDOW,
    selector: SELECTOR,
    covered: { anyOf: [SPAN, 'null'] },
    dryRun: 'boolean',
    output: { anyOf: ['string', 'null'] },
    outputs: { array: 'string' },
    skipped: 'boolean',
    calls: 'integer',
    parts: { array: PART },
    bytes: 'integer',
    fragments: 'integer',
    gaps: { array: SPAN },
    retries: 'integer',
    durationMs: 'integer',
  },
  optional: { wouldWrite: { array: 'string' } },
};
const LIST: Spec = {
  object: {
    ...SUCCESS,
    command: { literal: 'list' },
    stream: 'string',
    window: WINDOW,
    selector: SELECTOR,
    spans: { array: extend(SPAN, { fragments: 'integer', bytes: 'integer' }) },
    gaps: { array: SPAN },
    fragments: 'integer',
    bytes: 'integer',
    mediaDurationMs: 'integer',
  },
};
const STREAMS: Spec = {
  object: {
    ...SUCCESS,
    command: { literal: 'streams' },
    streams: {
      array: {
        object: {
          name: 'string',
          arn: 'string',
          status: 'string',
          mediaType: { anyOf: ['string', 'null'] },
          retentionHours: 'number',
          createdAt: { anyOf: ['instant', 'null'] },
        },
      },
    },
  },
};
const JOIN: Spec = {
  object: {
    ...SUCCESS,
    command: { literal: 'join' },
    inputs: { array: 'string' },
    outputs: { array: 'string' },
    format: { oneOf: ['progressive', 'fragmented'] },
    faststart: 'boolean',
    bytes: 'integer',
    durationMs: 'number',
    joins: 'integer',
    gaps: { array: { object: { atMs: 'number', durationMs: 'number' } } },
    configChanges: 'integer',
  },
};
const TRACK = {
  object: {
    id: 'integer',
    kind: 'string',
    codec: 'string',
    fourcc: 'string',
    timescale: 'integer',
    samples: 'integer',
    syncSamples: 'integer',
    durationMs: 'number',
    configurations: 'integer',
  },
  optional: { width: 'integer', height: 'integer', sampleRate: 'integer', channels: 'integer' },
} as const satisfies Spec;
const INSPECT: Spec = {
  object: {
    ...SUCCESS,
    command: { literal: 'inspect' },
    file: 'string',
    bytes: 'integer',
    layout: { oneOf: ['moov-first', 'moov-last', 'fragmented'] },
    durationMs: 'number',
    tracks: { array: TRACK },
    boxes: { array: 'string' },
  },
  optional: {
    boxTree: {
      array: { object: { depth: 'integer', type: 'string', path: 'string', offset: 'integer', size: 'integer' } },
    },
  },
};
const EXIT_CODE_VALUES = [1, 2, 3, 4, 5, 6, 7, 8, 130, 143];
const FAILURE: Spec = {
  object: {
    ok: { literal: false },
    schemaVersion: { literal: 1 },
    command: { anyOf: ['string', 'null'] },
    error: {
      object: {
        code: 'string',
        message: 'string',
        exitCode: { anyOf: EXIT_CODE_VALUES.map((code) => ({ literal: code })) },
      },
      optional: { hint: 'string' },
    },
  },
};

// ---- the runs ----

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const iso = (ms: number) => new Date(ms).toISOString();
const endMs = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
// Media, a 2 minute gap, media: the documents then carry non-empty spans, gaps and parts to check element by element.
const RANGE = ['--since', iso(endMs - 8 * 60_000), '--until', iso(endMs - 2 * 60_000)];

let emulator: RunningEmulator;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-clip-schema-'));
  emulator = await startEmulator({
    ...clientEmulatorOptions(),
    streams: [
      parseStreamSpec(
        `cam=h264_aac,span=1h,end=${iso(endMs)},gap=${iso(endMs - 6 * 60_000)}/${iso(endMs - 4 * 60_000)}`,
      ),
    ],
    quotas: false,
  });
});
afterAll(async () => {
  await emulator.close();
});

async function documentOf(args: readonly string[], expectedExit = 0): Promise<Record<string, unknown>> {
  const remote = ['get', 'list', 'streams'].includes(args[0] ?? '');
  const result = await runCli([...args, '--json', ...(remote ? ['--endpoint-url', emulator.url] : [])], {
    cwd: dir,
    timeoutMs: 60_000,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: dir,
      TZ: 'UTC',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent/kvs-clip-test-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kvs-clip-test-credentials',
    },
  });
  expect(result.code, result.stderr).toBe(expectedExit);
  const text = result.stdout.toString('utf8');
  expect(text.endsWith('\n') && text.indexOf('\n') === text.length - 1, 'one JSON line on stdout').toBe(true);
  return JSON.parse(text) as Record<string, unknown>;
}

function expectConforms(document: unknown, spec: Spec): void {
  expect(violations(document, spec)).toEqual([]);
}

const partsOf = (document: Record<string, unknown>) => document['parts'] as Record<string, unknown>[];

describe('the validator', () => {
  it('reports a missing, an extra and a retyped key', () => {
    const spec: Spec = { object: { a: 'integer', b: SPAN } };
    expect(
      violations(
        { a: 1, b: { start: '2025-06-14T13:00:00.000Z', end: '2025-06-14T14:00:00.000Z', durationMs: 1 } },
        spec,
      ),
    ).toEqual([]);
    expect(
      violations({ b: { start: 'x', end: '2025-06-14T14:00:00.000Z', durationMs: 1, extra: 0 }, c: true }, spec),
    ).toEqual([
      '$.a: missing',
      '$.b.start: expected an ISO instant, got "x"',
      '$.b.extra: not in the schema',
      '$.c: not in the schema',
    ]);
  });
});

describe('the --json documents of the built CLI', () => {
  it('get: a download over a gap', async () => {
    const document = await documentOf(['get', 'cam', ...RANGE, '-o', 'get.mp4']);
    expectConforms(document, GET);
    expect((document['gaps'] as unknown[]).length).toBe(1);
    for (const part of partsOf(document))
      expect(Object.keys(part).sort()).toEqual([...Object.keys(PART_BASE.object), 'downloadedBytes', 'resumed'].sort());
  });

  it('get --split: part files in outputs and on each part', async () => {
    const document = await documentOf(['get', 'cam', ...RANGE, '--split', '-o', 'split_{index}.mp4']);
    expectConforms(document, GET);
    expect(document['output']).toBeNull();
    expect((document['outputs'] as unknown[]).length).toBe(partsOf(document).length);
    // One index base: parts[].index is the number {index} put in the part's name, counted from 1.
    for (const part of partsOf(document))
      expect(part['output']).toMatch(new RegExp(`split_${String(part['index'])}\\.mp4$`));
    expect(partsOf(document).map((part) => part['index'])).toEqual(partsOf(document).map((_, i) => i + 1));
  });

  it('get --dry-run: parts without downloaded bytes, null output, the file it would write in wouldWrite', async () => {
    const document = await documentOf(['get', 'cam', ...RANGE, '--dry-run']);
    expectConforms(document, GET);
    expect(document['output']).toBeNull();
    expect(document['wouldWrite']).toEqual([expect.stringMatching(/\/cam_[0-9TZ_]+\.mp4$/)]);
    expect(partsOf(document).length).toBeGreaterThan(0);
    for (const part of partsOf(document))
      expect(Object.keys(part).sort()).toEqual(Object.keys(PART_BASE.object).sort());
  });

  it('list: spans and gaps', async () => {
    const document = await documentOf(['list', 'cam', ...RANGE]);
    expectConforms(document, LIST);
    expect([(document['spans'] as unknown[]).length, (document['gaps'] as unknown[]).length]).toEqual([2, 1]);
  });

  it('streams', async () => {
    const document = await documentOf(['streams']);
    expectConforms(document, STREAMS);
    expect((document['streams'] as unknown[]).length).toBe(1);
  });

  it('join: a resolution change', async () => {
    const document = await documentOf([
      'join',
      fixture('h264_res-1.mp4'),
      fixture('h264_resx-2.mp4'),
      '-o',
      'join.mp4',
    ]);
    expectConforms(document, JOIN);
    expect(document['configChanges']).toBe(1);
  });

  it('inspect --boxes: video and audio tracks and the box tree', async () => {
    const document = await documentOf(['inspect', fixture('h264_aac-0.mp4'), '--boxes']);
    expectConforms(document, INSPECT);
    const [video, audio] = document['tracks'] as Record<string, unknown>[];
    expect(Object.keys(video ?? {})).toEqual(expect.arrayContaining(['width', 'height']));
    expect(Object.keys(audio ?? {})).toEqual(expect.arrayContaining(['sampleRate', 'channels']));
    expect(document['boxTree']).toBeDefined();
    const plain = await documentOf(['inspect', fixture('h264-0.mp4')]);
    expectConforms(plain, INSPECT);
    expect(plain['boxTree']).toBeUndefined();
  });

  it('the failure document, from a command and from the command line', async () => {
    const notFound = await documentOf(['get', 'nosuchcam', ...RANGE, '-o', 'x.mp4'], 3);
    expectConforms(notFound, FAILURE);
    expect(notFound).toMatchObject({ command: 'get', error: { code: 'E_STREAM_NOT_FOUND', exitCode: 3 } });
    const usage = await documentOf(['frobnicate'], 2);
    expectConforms(usage, FAILURE);
    expect(usage).toMatchObject({ command: null, error: { code: 'E_USAGE', exitCode: 2 } });
  });
});
