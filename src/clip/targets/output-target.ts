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
import type { DownloadAndJoinInput, DownloadAndJoinResult } from '../download-and-join.js';

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
 * How a joined target's output gets filled (docs/pipeline.md): the target says where the join goes (its
 * `.part`, stream or S3 sink, its joiner, resume flags) and the source decides how the clips are fetched into it —
 * the listed parts through downloadAndJoin, or adaptive GetClip time windows when ListFragments is denied
 * (timeWindowSource). `plan` is the listed plan, or an empty one without a listing.
 */
export type JoinSource = {
  readonly plan: Plan;
  readonly context: CallContext;
  joinInto(destination: JoinDestination): Promise<DownloadAndJoinResult>;
};

/**
 * Where one joined output goes: downloadAndJoin's input without the fetching fields. `parts` narrows the listed
 * parts to a subset (one run between gaps); a time-window source has none and ignores it.
 */
export type JoinDestination = Omit<
  DownloadAndJoinInput,
  'parts' | 'concurrency' | 'replanner' | 'readClip' | 'getClip'
> & { readonly parts?: readonly Part[] };

/**
 * Everything a target needs to pull listed parts from KVS: the plan, how to call GetClip (paced and retried
 * through the run's context), the replanner for truncations, and the run's context for fetchParts. A joined target
 * goes through `joinInto`; a split target hands the fields to `fetchParts` (src/download) with its own `consume`.
 */
export type PartSource = JoinSource & {
  readonly parts: readonly Part[];
  readonly concurrency: number;
  readonly replanner: PartReplanner;
  readonly readClip: (path: string) => Promise<Clip>;
  readonly getClip: (
    part: Part,
    options: { destPath: string; signal: AbortSignal; onBytes: (bytes: number) => void },
  ) => Promise<ClipCallFacts>;
};

/** A target that writes one joined output, so it can be filled from any JoinSource (listed or time windows). */
export type JoinedTarget = Omit<OutputTarget, 'write'> & {
  write(source: JoinSource): Promise<TargetWritten>;
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
