/**
 * A step that runs after the output is in place (`--exec` today, the upload of a local file to S3 next). Steps are
 * recorded as pending in the cron state before they run and removed once they succeed, so a failing step is
 * retried by the next run and a step that succeeded never runs again. See docs/pipeline.md.
 */
export type PostStep = {
  /** Stable id recorded in the state file (`exec`, `s3-upload`, …): a rerun finds the step by it. */
  readonly id: string;
  /** One line for humans and the state file, e.g. `--exec 'aws s3 cp {} …'`. */
  describe(): string;
  /** Runs the step for one output path. Rejects with a typed error (IncompleteError E_HOOK for --exec). */
  run(output: string, context: PostStepContext): Promise<void>;
};

export type PostStepContext = {
  readonly cwd: string;
  readonly signal: AbortSignal;
};

/** A step still owed for one output, as the cron state records it. */
export type PendingStep = { readonly id: string; readonly output: string };
