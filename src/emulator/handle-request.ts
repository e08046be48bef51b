import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseRoutePath, type Plane } from './data-plane.js';
import type { HandlerContext } from './handler-context.js';
import { errorBody, errorTypeHeader, replyJson, withExplicitNulls } from './quirks.js';
import { streamLabel, type RequestBody } from './request-fields.js';
import { ROUTE_TABLE, servedOperations, type Route } from './routes/route-table.js';
import { sendBody, type BodyReply } from './send-body.js';
import { verifySigV4 } from './verify-sigv4.js';
import { WireError, statusForErrorType } from './wire-error.js';

export type { ClipEncoder, HandlerContext } from './handler-context.js';

type Outcome = { status: number; errorType?: string; bytesSent: number; fragments?: number; fault?: string };

/**
 * Serves one request: auth, routing through ROUTE_TABLE on the last path segment (a client endpoint may carry a path
 * prefix, kvs-api.md §1), the plane check, faults, quotas, the operation, the reply; then logs it. Never throws:
 * every failure becomes a wire error (§5.3) or a deliberate fault.
 */
export async function handleRequest(req: IncomingMessage, res: ServerResponse, ctx: HandlerContext): Promise<void> {
  const startedAt = ctx.now();
  const requestId = randomUUID();
  res.setHeader('x-amzn-RequestId', requestId);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const [pathname = '/', query = ''] = (req.url ?? '/').split('?');
  const path = parseRoutePath(pathname);
  const route = Object.hasOwn(ROUTE_TABLE, path.opSegment) ? ROUTE_TABLE[path.opSegment] : undefined;
  let body: RequestBody | undefined;
  let outcome: Outcome;
  try {
    if (ctx.auth !== false) {
      verifySigV4(
        { method: req.method ?? 'GET', path: pathname, query, headers: req.headers, body: raw },
        { credentials: ctx.auth.credentials, region: ctx.auth.region, nowMs: ctx.auth.now(), strict: ctx.auth.strict },
      );
    }
    if (route === undefined || req.method !== 'POST') throw notServed(req.method ?? '', pathname);
    if (route.plane !== path.plane) throw wrongPlane(route, path.plane);
    body = parseBody(raw);
    const controlUrl = `http://${req.headers.host ?? '127.0.0.1'}${path.basePath}`;
    outcome = await serve(route, body, res, ctx, controlUrl);
  } catch (error) {
    const wire =
      error instanceof WireError
        ? error
        : new WireError('InternalFailure', 500, 'The emulator failed to process the request.');
    outcome = { status: wire.status, errorType: wire.type, bytesSent: sendError(res, wire, ctx) };
  }
  ctx.log.add({
    seq: ctx.log.entries.length + 1,
    op: route?.op ?? 'Unknown',
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

/** 404 for a path or method no route serves, naming what is served (AWS's own answer differs; this one helps). */
function notServed(method: string, pathname: string): WireError {
  return new WireError(
    'UnknownOperationException',
    404,
    `${method} ${pathname} is not served by the kvs-clip emulator; it serves POST to: ${servedOperations().join(', ')}.`,
  );
}

/**
 * An operation sent to the other plane's URL. AWS's exact reply there is not documented; the emulator answers 404
 * UnknownOperationException (the operation does not exist on that host) with a message saying what to do.
 */
function wrongPlane(route: Route, reached: Plane): WireError {
  const message =
    reached === 'control'
      ? `${route.op} is a data-plane operation and this is the control-plane endpoint: call GetDataEndpoint and send ${route.op} to the DataEndpoint it returns.`
      : `${route.op} is a control-plane operation and this is a data endpoint: send it to the control-plane endpoint.`;
  return new WireError('UnknownOperationException', 404, message);
}

async function serve(
  route: Route,
  body: RequestBody,
  res: ServerResponse,
  ctx: HandlerContext,
  controlUrl: string,
): Promise<Outcome> {
  const { op } = route;
  const stream = streamLabel(body);
  const faults = ctx.faults.choose(op, stream);
  const faultName = faults.map((f) => f.kind).join('+') || undefined;
  const withFault = (o: Outcome): Outcome => (faultName === undefined ? o : { ...o, fault: faultName });
  for (const fault of faults) if (fault.kind === 'latency') await ctx.sleep(fault.ms);
  for (const fault of faults) {
    if (fault.kind === 'error') {
      const status = fault.status ?? statusForErrorType(fault.name);
      const wire = new WireError(fault.name, status, fault.message ?? `Injected ${fault.name}.`);
      return withFault({ status, errorType: fault.name, bytesSent: sendError(res, wire, ctx) });
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
  const answer = await route.handle({ body, ctx, controlUrl });
  if (answer.kind === 'media') {
    const reply: BodyReply = {
      status: 200,
      headers: { 'Content-Type': contentType ?? answer.contentType },
      sizeBytes: answer.sizeBytes,
      chunks: answer.chunks,
      chunked: ctx.chunked,
    };
    const bytesSent = await sendBody(res, reply, bodyContext);
    return withFault({ status: 200, bytesSent, fragments: answer.fragments });
  }
  const json = Buffer.from(replyJson(withExplicitNulls(answer.value, ctx.quirks), ctx.quirks), 'utf8');
  const reply: BodyReply = {
    status: 200,
    headers: { 'Content-Type': contentType ?? 'application/json' },
    sizeBytes: json.length,
    chunks: [json],
    chunked: false,
  };
  return withFault({ status: 200, bytesSent: await sendBody(res, reply, bodyContext) });
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

/** The error recipe of kvs-api.md §5.3 (or its quirky variants, see quirks.ts); returns the body size. */
function sendError(res: ServerResponse, error: WireError, ctx: HandlerContext): number {
  const body = errorBody(error.type, error.message, ctx.quirks, ctx.log.entries.length);
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  if (res.headersSent) {
    res.destroy();
    return 0;
  }
  res.writeHead(error.status, {
    'Content-Type': 'application/json',
    'Content-Length': String(payload.length),
    'x-amzn-ErrorType': errorTypeHeader(error.type, ctx.quirks),
  });
  res.end(payload);
  return payload.length;
}
