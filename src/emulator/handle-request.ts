import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClipLayout } from '../mp4/model.js';
import type { ClipMedia } from './emulated-stream.js';
import type { FaultPlan, OperationName } from './faults.js';
import type { EmulatorCredentials } from './local-credentials.js';
import type { Quotas } from './quotas.js';
import { streamLabel, type RequestBody } from './request-fields.js';
import type { RequestLog } from './request-log.js';
import { describeStream } from './routes/describe-stream.js';
import { getClip, type ClipCaps } from './routes/get-clip.js';
import { getDataEndpoint } from './routes/get-data-endpoint.js';
import { listFragments } from './routes/list-fragments.js';
import { listStreams } from './routes/list-streams.js';
import { sendBody, type BodyReply } from './send-body.js';
import type { StreamStore } from './store.js';
import { verifySigV4 } from './verify-sigv4.js';
import { WireError, statusForErrorType } from './wire-error.js';

/** Turns clip media into an MP4 byte stream of known size (src/mp4's writer in production). */
export type ClipEncoder = (
  media: ClipMedia,
  layout: ClipLayout,
) => { sizeBytes: number; chunks(): Iterable<Uint8Array> | AsyncIterable<Uint8Array> };

/** Everything a request needs; built once by startEmulator. */
export type HandlerContext = {
  readonly store: StreamStore;
  readonly log: RequestLog;
  readonly quotas: Quotas;
  readonly faults: FaultPlan;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly seed: number;
  readonly auth:
    { readonly credentials: EmulatorCredentials; readonly region: string; readonly now: () => number } | false;
  readonly caps: ClipCaps;
  readonly cpdChangeError: string;
  readonly clipLayout: ClipLayout;
  readonly chunked: boolean;
  readonly listFragmentsPageSize: number;
  readonly sortedListFragments: boolean;
  readonly listFragmentsDelayMs: number;
  readonly encodeClip: ClipEncoder;
};

const ROUTES: Readonly<Record<string, OperationName>> = {
  getDataEndpoint: 'GetDataEndpoint',
  describeStream: 'DescribeStream',
  listStreams: 'ListStreams',
  listFragments: 'ListFragments',
  getClip: 'GetClip',
};

type Outcome = { status: number; errorType?: string; bytesSent: number; fragments?: number; fault?: string };

/**
 * Serves one request: auth, routing on the last path segment (a client endpoint may carry a path prefix,
 * kvs-api.md §1), faults, quotas, the operation, the reply; then logs it. Never throws: every failure becomes a
 * wire error (§5.3) or a deliberate fault.
 */
export async function handleRequest(req: IncomingMessage, res: ServerResponse, ctx: HandlerContext): Promise<void> {
  const startedAt = ctx.now();
  const requestId = randomUUID();
  res.setHeader('x-amzn-RequestId', requestId);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const [pathname = '/', query = ''] = (req.url ?? '/').split('?');
  const segment = pathname.slice(pathname.lastIndexOf('/') + 1);
  const op = ROUTES[segment];
  let body: RequestBody | undefined;
  let outcome: Outcome;
  try {
    if (ctx.auth !== false) {
      verifySigV4(
        { method: req.method ?? 'GET', path: pathname, query, headers: req.headers, body: raw },
        { credentials: ctx.auth.credentials, region: ctx.auth.region, nowMs: ctx.auth.now() },
      );
    }
    if (op === undefined || req.method !== 'POST')
      throw new WireError('UnknownOperationException', 404, `Unknown operation: ${req.method ?? ''} ${pathname}`);
    body = parseBody(raw);
    outcome = await serve(op, body, req, res, ctx, pathname.slice(0, pathname.length - segment.length - 1));
  } catch (error) {
    const wire =
      error instanceof WireError
        ? error
        : new WireError('InternalFailure', 500, 'The emulator failed to process the request.');
    outcome = { status: wire.status, errorType: wire.type, bytesSent: sendError(res, wire) };
  }
  ctx.log.add({
    seq: ctx.log.entries.length + 1,
    op: op ?? 'Unknown',
    stream: streamLabel(body),
    body,
    status: outcome.status,
    errorType: outcome.errorType,
    at: startedAt,
    durationMs: ctx.now() - startedAt,
    bytesSent: outcome.bytesSent,
    fragmentsServed: outcome.fragments,
    fault: outcome.fault,
    requestId,
  });
}

async function serve(
  op: OperationName,
  body: RequestBody,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HandlerContext,
  prefix: string,
): Promise<Outcome> {
  const stream = streamLabel(body);
  const faults = ctx.faults.choose(op, stream);
  const faultName = faults.map((f) => f.kind).join('+') || undefined;
  const withFault = (o: Outcome): Outcome => (faultName === undefined ? o : { ...o, fault: faultName });
  for (const fault of faults) if (fault.kind === 'latency') await ctx.sleep(fault.ms);
  for (const fault of faults) {
    if (fault.kind === 'error') {
      const status = fault.status ?? statusForErrorType(fault.name);
      const wire = new WireError(fault.name, status, fault.message ?? `Injected ${fault.name}.`);
      return withFault({ status, errorType: fault.name, bytesSent: sendError(res, wire) });
    }
    if (fault.kind === 'html') {
      const page = Buffer.from(
        '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n',
      );
      res
        .writeHead(fault.status ?? 502, { 'Content-Type': 'text/html', 'Content-Length': String(page.length) })
        .end(page);
      return withFault({ status: fault.status ?? 502, bytesSent: page.length });
    }
    if (fault.kind === 'moto') {
      const moto = Buffer.from('sample-mp4-video');
      res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': String(moto.length) }).end(moto);
      return withFault({ status: 200, bytesSent: moto.length });
    }
  }
  ctx.quotas.chargeCall(op, stream);
  const contentType = faults.reduce<string | undefined>(
    (type, f) => (f.kind === 'content-type' ? f.value : type),
    undefined,
  );
  const bodyContext = { faults, seed: ctx.seed, sleep: ctx.sleep };
  if (op === 'GetClip') {
    const clip = getClip(body, ctx.store, { nowMs: ctx.now(), caps: ctx.caps, cpdChangeError: ctx.cpdChangeError });
    ctx.quotas.chargeFragmentPoints(clip.stream.description.name, clip.fragments.length);
    const encoded = ctx.encodeClip(clip.media, ctx.clipLayout);
    const reply: BodyReply = {
      status: 200,
      headers: { 'Content-Type': contentType ?? 'video/mp4' },
      sizeBytes: encoded.sizeBytes,
      chunks: encoded.chunks(),
      chunked: ctx.chunked,
    };
    const bytesSent = await sendBody(res, reply, bodyContext);
    return withFault({ status: 200, bytesSent, fragments: clip.fragments.length });
  }
  const json = Buffer.from(JSON.stringify(runJsonOp(op, body, req, ctx, prefix)), 'utf8');
  const reply: BodyReply = {
    status: 200,
    headers: { 'Content-Type': contentType ?? 'application/json' },
    sizeBytes: json.length,
    chunks: [json],
    chunked: false,
  };
  return withFault({ status: 200, bytesSent: await sendBody(res, reply, bodyContext) });
}

function runJsonOp(
  op: Exclude<OperationName, 'GetClip'>,
  body: RequestBody,
  req: IncomingMessage,
  ctx: HandlerContext,
  prefix: string,
): unknown {
  switch (op) {
    case 'GetDataEndpoint':
      return getDataEndpoint(body, ctx.store, `http://${req.headers.host ?? '127.0.0.1'}${prefix}`);
    case 'DescribeStream':
      return describeStream(body, ctx.store);
    case 'ListStreams':
      return listStreams(body, ctx.store);
    case 'ListFragments':
      return listFragments(body, ctx.store, {
        nowMs: ctx.now(),
        seed: ctx.seed,
        defaultPageSize: ctx.listFragmentsPageSize,
        sorted: ctx.sortedListFragments,
        visibilityDelayMs: ctx.listFragmentsDelayMs,
      });
  }
}

function parseBody(raw: Buffer): RequestBody {
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new WireError('SerializationException', 400, 'The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new WireError('SerializationException', 400, 'The request body must be a JSON object.');
  return parsed as RequestBody;
}

/** The error recipe of kvs-api.md §5.3; returns the body size. */
function sendError(res: ServerResponse, error: WireError): number {
  const payload = Buffer.from(
    JSON.stringify({ __type: error.type, Message: error.message, message: error.message }),
    'utf8',
  );
  if (res.headersSent) {
    res.destroy();
    return 0;
  }
  res.writeHead(error.status, {
    'Content-Type': 'application/json',
    'Content-Length': String(payload.length),
    'x-amzn-ErrorType': `${error.type}:https://kinesisvideo.amazonaws.com/doc/2017-09-30/`,
  });
  res.end(payload);
  return payload.length;
}
