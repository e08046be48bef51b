import type { ServerResponse } from 'node:http';
import { keepHeapHeadroom } from '../runtime/heap-headroom.js';
import { corruptOffsets, type ChosenFaults } from './faults.js';

export type BodyReply = {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Exact body size (Content-Length unless `chunked`). */
  readonly sizeBytes: number;
  readonly chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
  /** Chunked transfer encoding instead of Content-Length. */
  readonly chunked: boolean;
};

export type BodyFaultContext = {
  readonly faults: ChosenFaults;
  readonly seed: number;
  readonly sleep: (ms: number) => Promise<void>;
};

/**
 * Streams a body with backpressure, applying the body-level faults: corrupt (bit flips at seeded offsets), bandwidth
 * cap, reset (socket destroyed after N bytes) and truncate (correct Content-Length, fewer bytes, clean close).
 * Returns the body bytes written. Never throws for a client that went away; it just stops.
 */
export async function sendBody(res: ServerResponse, reply: BodyReply, context: BodyFaultContext): Promise<number> {
  let cutAt = Infinity;
  let cutKind: 'reset' | 'truncate' | undefined;
  let bytesPerSecond = Infinity;
  let masks = new Map<number, number>();
  for (const fault of context.faults) {
    if ((fault.kind === 'reset' || fault.kind === 'truncate') && fault.afterBytes < cutAt) {
      cutAt = fault.afterBytes;
      cutKind = fault.kind;
    }
    if (fault.kind === 'bandwidth') bytesPerSecond = Math.min(bytesPerSecond, fault.bytesPerSecond);
    if (fault.kind === 'corrupt') masks = corruptOffsets(reply.sizeBytes, fault.flips, context.seed);
  }
  keepHeapHeadroom(reply.sizeBytes);
  const headers: Record<string, string> = { ...reply.headers };
  if (!reply.chunked) headers['Content-Length'] = String(reply.sizeBytes);
  res.writeHead(reply.status, headers);
  let sent = 0;
  const slice = Number.isFinite(bytesPerSecond) ? Math.max(1, Math.floor(bytesPerSecond / 20)) : Infinity;
  const pace = Number.isFinite(bytesPerSecond) ? bandwidthPacer(bytesPerSecond, context.sleep) : undefined;
  for await (const chunk of reply.chunks) {
    let data = masks.size > 0 ? flipBits(chunk, sent, masks) : chunk;
    if (sent + data.length > cutAt) data = data.subarray(0, Math.max(0, cutAt - sent));
    for (let at = 0; at < data.length; at += slice) {
      const part = Number.isFinite(slice) ? data.subarray(at, at + slice) : data;
      if (pace !== undefined) await pace(sent + part.length);
      if (res.destroyed) return sent;
      if (!res.write(part)) await drainOrClose(res);
      sent += part.length;
    }
    if (sent >= cutAt) break;
  }
  if (cutKind !== undefined && sent >= cutAt) {
    await cutConnection(res, cutKind);
    return sent;
  }
  res.end();
  return sent;
}

/**
 * Holds a bandwidth-capped body to the schedule "byte n leaves no earlier than n / bytesPerSecond" (called with the
 * total that will have been sent once the next slice is written): sleeps only while ahead of it. Sleeping a fixed time
 * per chunk instead undershoots the cap badly, since every timer overshoots its delay and chunks are small (20 MB/s
 * delivered 5-7 MB/s). The schedule runs on the real monotonic clock, because timers also fire early or late by the
 * loop's cached time; an injected sleep that returns at once therefore just lets the body through.
 */
function bandwidthPacer(
  bytesPerSecond: number,
  sleep: (ms: number) => Promise<void>,
): (sentAfter: number) => Promise<void> {
  const startedAt = performance.now();
  return async (sentAfter) => {
    const aheadMs = (sentAfter / bytesPerSecond) * 1000 - (performance.now() - startedAt);
    // Below a millisecond a timer cannot wait precisely; the next slice settles the difference.
    if (aheadMs >= 1) await sleep(aheadMs);
  };
}

async function cutConnection(res: ServerResponse, kind: 'reset' | 'truncate'): Promise<void> {
  const socket = res.socket;
  // Let the bytes already written reach the client before cutting, so "after N bytes" is exact.
  await new Promise<void>((resolve) => {
    if (res.writableLength === 0 || res.destroyed) resolve();
    else res.write(new Uint8Array(0), () => resolve());
  });
  if (socket === null) return;
  if (kind === 'reset') socket.resetAndDestroy();
  else socket.end();
}

function flipBits(chunk: Uint8Array, start: number, masks: ReadonlyMap<number, number>): Uint8Array {
  const copy = new Uint8Array(chunk);
  for (const [offset, mask] of masks) {
    if (offset >= start && offset < start + chunk.length) copy[offset - start] = (copy[offset - start] ?? 0) ^ mask;
  }
  return copy;
}

/** Waits for backpressure to clear or the client to go away, leaving no listener behind. */
function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
