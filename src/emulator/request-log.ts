import { appendFileSync } from 'node:fs';

/** One request as the emulator saw and answered it. Secrets never appear here (the body holds no auth). */
export type RequestLogEntry = {
  /** 1-based order of arrival. */
  readonly seq: number;
  /** Operation name, e.g. `GetClip`, or `Unknown` for an unrouted path. */
  readonly op: string;
  readonly stream: string | undefined;
  /** The parsed JSON body (undefined when it was not JSON). */
  readonly body: unknown;
  readonly status: number;
  readonly errorType: string | undefined;
  /** Epoch ms when the request arrived (emulator clock). */
  readonly at: number;
  readonly durationMs: number;
  /** Body bytes actually written (a reset or truncated reply shows fewer than Content-Length). */
  readonly bytesSent: number;
  /** GetClip: how many fragments the clip contained. */
  readonly fragmentsServed: number | undefined;
  /** The fault applied, if any (its `kind`). */
  readonly fault: string | undefined;
  readonly requestId: string;
};

/**
 * The emulator's in-memory request log, optionally mirrored as JSONL to a file. Tests assert on `entries` (e.g.
 * "3 GetClip calls, the second throttled"); `ofOp` filters by operation.
 */
export class RequestLog {
  readonly entries: RequestLogEntry[] = [];
  readonly #file: string | undefined;

  constructor(options: { file?: string } = {}) {
    this.#file = options.file;
  }

  /** Records one finished request. Throws only if the JSONL file cannot be appended to. */
  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.#file !== undefined) appendFileSync(this.#file, `${JSON.stringify(entry)}\n`);
  }

  /** The entries of one operation, in arrival order. */
  ofOp(op: string): RequestLogEntry[] {
    return this.entries.filter((entry) => entry.op === op);
  }

  /** Forgets all entries (the JSONL file is left as is). */
  clear(): void {
    this.entries.length = 0;
  }
}
