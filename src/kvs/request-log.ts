/**
 * `-vv`: one line when an SDK request goes out and one when its answer (or its failure) comes back: the operation,
 * method, endpoint and path, the HTTP status, the time to the response headers and the service's request ID. Never
 * headers, query strings or bodies: they carry the signature, the session token and the media (an S3 UploadPart's
 * part number, a plain integer, is the one query value shown). The KVS clients and the S3 client (`-o s3://`) both
 * use it.
 */
export type RequestLog = (line: string) => void;

/** The parts of an SDK client a request log needs (any v3 client has them). */
type Stack = {
  add(
    middleware: (
      next: (args: { request: unknown }) => Promise<{ response: unknown }>,
      context: { commandName?: string },
    ) => (args: { request: unknown }) => Promise<{ response: unknown }>,
    options: { step: 'finalizeRequest'; priority: 'low'; name: string },
  ): void;
};

type WireRequest = {
  method?: string;
  protocol?: string;
  hostname?: string;
  port?: number;
  path?: string;
  query?: Record<string, string | string[] | null | undefined>;
};
type WireResponse = { statusCode?: number; headers?: Record<string, string | undefined> };

/**
 * Adds the log to a client's middleware stack, innermost of the finalize step: after signing and right before the
 * request is sent, so each attempt is one pair of lines and the times are the wire's own.
 */
export function addRequestLog(client: { middlewareStack: unknown }, log: RequestLog): void {
  (client.middlewareStack as Stack).add(
    (next, context) => async (args) => {
      const request = args.request as WireRequest;
      const operation = `${(context.commandName ?? 'request').replace(/Command$/, '')}${partOf(request)}`;
      log(`${operation}: ${request.method ?? 'POST'} ${endpointOf(request)}`);
      const startedMs = performance.now();
      const took = (): string => `${Math.round(performance.now() - startedMs)} ms`;
      try {
        const result = await next(args);
        const response = result.response as WireResponse;
        log(`${operation}: HTTP ${response.statusCode ?? '?'} in ${took()}${requestIdOf(response.headers)}`);
        return result;
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        const code = (error as { code?: unknown }).code;
        const name = typeof code === 'string' ? code : error instanceof Error ? error.name : 'error';
        log(`${operation}: ${status === undefined ? '' : `HTTP ${status} `}${name} after ${took()}`);
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'kvsClipRequestLog' },
  );
}

function endpointOf(request: WireRequest): string {
  const port = request.port === undefined ? '' : `:${request.port}`;
  // The path only: a query string could carry a presigned signature.
  return `${request.protocol ?? 'https:'}//${request.hostname ?? '?'}${port}${(request.path ?? '/').split('?')[0] ?? ''}`;
}

/** ` part N` for an S3 UploadPart (parts go concurrently: it tells their answers apart), else nothing. */
function partOf(request: WireRequest): string {
  const part = request.query?.['partNumber'];
  return typeof part === 'string' && /^\d+$/.test(part) ? ` part ${part}` : '';
}

function requestIdOf(headers: WireResponse['headers']): string {
  const id = headers?.['x-amzn-requestid'] ?? headers?.['x-amz-request-id'];
  return id === undefined ? '' : ` (request ${id})`;
}
