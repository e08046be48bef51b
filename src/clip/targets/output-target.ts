import type { ClipCallFacts, PartReplanner } from '../../download/fetch-parts.js';
import type { Clip } from '../../mp4/model.js';
import type { Selector, TimeRange } from '../../plan/fragment.js';
import type { Part } from '../../plan/part.js';
import type { Plan } from '../../plan/plan-parts.js';
import type { Align } from '../../plan/select-window.js';
import type { PartResult } from '../get-types.js';
import type { AskedRequest } from '../asked-request.js';
import type { JoinLayout } from '../join-port.js';
import type { CallContext } from '../plan-window.js';

/**
 * Where a `get` writes: one implementation per kind (joined progressive file, fMP4 on stdout, one file per GetClip
 * call, one file per run between gaps; an S3 object next). The use case picks one with chooseTarget and never
 * branches on the kind again. See docs/pipeline.md for the contract and how to add a target.
 */
export type OutputTarget = {
  /** A short name for logs and tests: `joined-file`, `fmp4-stdout`, `split-files`, `gap-runs`, … */
  readonly kind: string;
  /**
   * Reserves the output before the first GetClip: checks names (exists without --force, missing directory),
   * creates nothing under a final name. `skip` means the output is already in place (--skip-existing, or a
   * pending cron window that finished earlier): nothing is downloaded.
   */
  prepare(plan: Plan): Promise<TargetPrepared>;
  /**
   * Downloads the plan's parts through `source` into the output and commits it (atomic rename, flush, …). On
   * failure the target leaves its resumable state (or removes its scratch) and rethrows; nothing partial is ever
   * left under a final name.
   */
  write(source: PartSource): Promise<TargetWritten>;
};

export type TargetPrepared =
  | { readonly kind: 'skip'; readonly outputs: readonly string[] }
  /**
   * `outputs`: the final names known now (may be empty). `pendingOutput`: the one name a cron run records as its
   * pending window before the first GetClip (only targets that write one local file set it).
   */
  | { readonly kind: 'ready'; readonly outputs: readonly string[]; readonly pendingOutput?: string };

/** What a target wrote: the GetResult fields it owns. */
export type TargetWritten = {
  /** The single output (`-` for stdout), or null when there are several files. */
  readonly output: string | null;
  readonly outputs: readonly string[];
  readonly calls: number;
  readonly parts: readonly PartResult[];
  readonly bytes: number;
  /** Every output was already in place. */
  readonly skipped?: boolean;
};

/**
 * Everything a target needs to pull parts from KVS: the plan, how to call GetClip (paced and retried through the
 * run's context), the replanner for truncations, and the run's context for fetchParts. A target hands these to
 * `fetchParts` (src/download) with its own `consume`.
 */
export type PartSource = {
  readonly plan: Plan;
  readonly parts: readonly Part[];
  readonly concurrency: number;
  readonly replanner: PartReplanner;
  readonly readClip: (path: string) => Promise<Clip>;
  readonly getClip: (
    part: Part,
    options: { destPath: string; signal: AbortSignal; onBytes: (bytes: number) => void },
  ) => Promise<ClipCallFacts>;
  readonly context: CallContext;
};

/** The facts every target of one run shares (the resolved request, layout and output flags). */
export type TargetRequest = {
  readonly stream: string;
  readonly streamArn: string;
  readonly selector: Selector;
  readonly align: Align;
  readonly window: TimeRange;
  readonly layout: JoinLayout;
  readonly cwd: string;
  /** The -o path or template (`-` for stdout); the default template when absent. */
  readonly template: string;
  readonly force: boolean;
  readonly mkdir: boolean;
  readonly skipExisting: boolean;
  /** A pending cron window: an output already in place is that window finished earlier. */
  readonly existingIsDone: boolean;
  readonly resume: boolean;
  readonly keepParts: boolean;
  /** A plain run's request as typed, recorded in the resume manifest (resume-window.ts); absent in cron mode. */
  readonly asked?: AskedRequest;
};
