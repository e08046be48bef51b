import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';

const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
let emu: RunningEmulator;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-emu-wire-'));
  emu = await startEmulator({
    auth: false,
    quotas: false,
    now: () => NOW,
    logFile: join(dir, 'requests.jsonl'),
    streams: [
      { name: 'cam', source: { preset: 'h264' }, spanMs: 3_600_000, jitterMs: 0, skewMs: 1500 },
      { name: 'other', source: { preset: 'h264' }, spanMs: 3_600_000 },
    ],
  });
});

afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

type Reply = { status: number; headers: Headers; json: Record<string, unknown> };

const DATA_PLANE = new Set(['listFragments', 'getClip']);

/** POSTs to the plane the operation lives on (the data plane of `cam`, or the control plane). */
async function post(op: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const base = DATA_PLANE.has(op) ? emu.dataUrl('cam') : emu.url;
  const response = await fetch(`${base}/${op}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

const list = (start: unknown, end: unknown, extra: Record<string, unknown> = {}) =>
  post('listFragments', {
    StreamName: 'cam',
    FragmentSelector: {
      FragmentSelectorType: 'PRODUCER_TIMESTAMP',
      TimestampRange: { StartTimestamp: start, EndTimestamp: end },
    },
    ...extra,
  });

describe('wire format', () => {
  it('sends errors with the status, x-amzn-ErrorType, __type, Message and message of kvs-api.md §5.3', async () => {
    const reply = await post('describeStream', { StreamName: 'nope' });
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(reply.headers.get('x-amzn-errortype')).toBe(
      'ResourceNotFoundException:https://kinesisvideo.amazonaws.com/doc/2017-09-30/',
    );
    expect(reply.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.json).toEqual({
      __type: 'ResourceNotFoundException',
      Message: 'The requested stream is not found or not active.',
      message: 'The requested stream is not found or not active.',
    });
  });

  it('puts a request id on successful replies too, and accepts bodies without a content type', async () => {
    const reply = await post('getDataEndpoint', { StreamName: 'cam', APIName: 'LIST_FRAGMENTS' });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.json).toEqual({ DataEndpoint: emu.dataUrl('cam') });
  });

  it('accepts integer, fractional and string epoch seconds and compares them at millisecond precision', async () => {
    const fragment = emu.fragments('cam', { startMs: NOW - 600_000, endMs: NOW })[0];
    if (fragment === undefined) throw new Error('no fragment');
    const at = fragment.producerMs / 1000;
    for (const [start, end] of [
      [at, at],
      [String(at), String(at)],
      [at - 0.001, at + 0.001],
    ]) {
      const reply = await list(start, end);
      expect((reply.json['Fragments'] as { FragmentNumber: string }[]).map((f) => f.FragmentNumber)).toEqual([
        fragment.fragmentNumber,
      ]);
    }
    const missed = await list(at + 0.001, at + 1);
    expect(missed.json).toEqual({ Fragments: [] });
  });

  it('writes timestamps as seconds with millisecond fractions and fragment numbers as 47-digit strings', async () => {
    const reply = await list((NOW - 600_000) / 1000, (NOW - 590_000) / 1000);
    const fragments = reply.json['Fragments'] as {
      FragmentNumber: string;
      ServerTimestamp: number;
      ProducerTimestamp: number;
      FragmentLengthInMilliseconds: number;
    }[];
    expect(fragments.length).toBeGreaterThan(3);
    for (const f of fragments) {
      expect(f.FragmentNumber).toMatch(/^\d{47}$/);
      expect(Math.round((f.ServerTimestamp - f.ProducerTimestamp) * 1000)).toBe(1500);
      expect(f.FragmentLengthInMilliseconds).toBe(2000);
    }
    expect(JSON.stringify(reply.json)).toMatch(/"ProducerTimestamp":\d{10}\.5,/);
  });

  it('pages 100 fragments by default and rejects a token from another stream or a forged one', async () => {
    const first = await list((NOW - 3_600_000) / 1000, NOW / 1000);
    expect((first.json['Fragments'] as unknown[]).length).toBe(100);
    const token = first.json['NextToken'];
    expect(token).toMatch(/^[a-zA-Z0-9+/]+={0,2}$/);
    const next = await post('listFragments', { StreamName: 'cam', NextToken: token });
    expect((next.json['Fragments'] as unknown[]).length).toBe(100);
    const foreign = await post('listFragments', { StreamName: 'other', NextToken: token });
    expect([foreign.status, foreign.json['__type']]).toEqual([400, 'InvalidArgumentException']);
    const forged = await post('listFragments', { StreamName: 'cam', NextToken: 'bm90IGEgdG9rZW4=' });
    expect([forged.status, forged.json['__type']]).toEqual([400, 'InvalidArgumentException']);
  });

  it('requires a selector without a token and answers an unknown path and broken JSON with typed errors', async () => {
    expect((await post('listFragments', { StreamName: 'cam' })).json['__type']).toBe('InvalidArgumentException');
    expect((await post('getClip', { StreamName: 'cam' })).json['__type']).toBe('InvalidArgumentException');
    const unknown = await post('getMedia', {});
    expect([unknown.status, unknown.json['__type']]).toEqual([404, 'UnknownOperationException']);
    const broken = await post('describeStream', '{"StreamName":');
    expect([broken.status, broken.json['__type']]).toEqual([400, 'SerializationException']);
  });

  it('refuses archived-media operations at the control-plane URL and control-plane operations at a data URL', async () => {
    const clipBody = JSON.stringify({
      StreamName: 'cam',
      ClipFragmentSelector: {
        FragmentSelectorType: 'PRODUCER_TIMESTAMP',
        TimestampRange: { StartTimestamp: (NOW - 60_000) / 1000, EndTimestamp: NOW / 1000 },
      },
    });
    const atControl = await fetch(`${emu.url}/getClip`, { method: 'POST', body: clipBody });
    const controlJson = (await atControl.json()) as Record<string, string>;
    expect([atControl.status, controlJson['__type']]).toEqual([404, 'UnknownOperationException']);
    expect(controlJson['Message']).toContain('call GetDataEndpoint');
    const atData = await fetch(`${emu.dataUrl('cam')}/getClip`, { method: 'POST', body: clipBody });
    expect([atData.status, atData.headers.get('content-type')]).toEqual([200, 'video/mp4']);
    await atData.arrayBuffer();
    const listAtData = await fetch(`${emu.dataUrl('cam')}/listStreams`, { method: 'POST', body: '{}' });
    expect([listAtData.status, ((await listAtData.json()) as Record<string, string>)['__type']]).toEqual([
      404,
      'UnknownOperationException',
    ]);
  });

  it('names the operations it serves when asked for one it does not', async () => {
    const reply = await post('getHLSStreamingSessionURL', { StreamName: 'cam' });
    expect(reply.status).toBe(404);
    expect(reply.json['Message']).toMatch(
      /not served by the kvs-clip emulator; it serves POST to: .*GetClip \(data plane\)/,
    );
    expect(reply.json['Message']).toContain('ListStreams (control plane)');
  });

  it('hides just-ingested fragments from ListFragments when a visibility delay is set', async () => {
    const delayed = await startEmulator({
      auth: false,
      quotas: false,
      now: () => NOW,
      listFragmentsDelayMs: 10_000,
      streams: [{ name: 'cam', source: { preset: 'h264' }, spanMs: 60_000, jitterMs: 0 }],
    });
    try {
      const reply = await fetch(`${delayed.dataUrl('cam')}/listFragments`, {
        method: 'POST',
        body: JSON.stringify({
          StreamName: 'cam',
          FragmentSelector: {
            FragmentSelectorType: 'SERVER_TIMESTAMP',
            TimestampRange: { StartTimestamp: (NOW - 60_000) / 1000, EndTimestamp: NOW / 1000 },
          },
        }),
      });
      const listed = ((await reply.json()) as { Fragments: unknown[] }).Fragments.length;
      expect(listed).toBe(
        delayed.fragments('cam', { selector: 'SERVER_TIMESTAMP', startMs: NOW - 60_000, endMs: NOW - 10_000 }).length,
      );
      expect(listed).toBeLessThan(
        delayed.fragments('cam', { selector: 'SERVER_TIMESTAMP', startMs: NOW - 60_000, endMs: NOW }).length,
      );
    } finally {
      await delayed.close();
    }
  });

  it('mirrors the request log to a JSONL file', () => {
    const lines = readFileSync(join(dir, 'requests.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { op: string; seq: number });
    expect(lines.length).toBe(emu.log.entries.length);
    expect(lines.map((l) => l.op)).toEqual(emu.log.entries.map((e) => e.op));
  });
});
