import { resolveWindow } from '../time/resolve-window.js';
import { askedRequestOf } from './asked-request.js';
import { fetchWindow } from './fetch-window.js';
import type { GetDeps, GetOptions, GetResult } from './get-types.js';
import { createRunContext } from './run-context.js';
import { resumableWindow } from './resume-window.js';
import { runCron } from './run-cron.js';

/**
 * `kvs-clip get`: the one use case that knows every stage. A plain run resolves its window and fetches it; with
 * `--state` cron mode archives exactly once from the state's cursor. The stages live in fetch-window.ts; see
 * docs/pipeline.md.
 *
 * Throws the typed errors of src/errors: UsageError (time, manifest mismatch), NotFoundError (stream, no media),
 * AuthError, RemoteError (after retries), MediaError, OutputError (exists, write, locked), IncompleteError (after
 * writing: --fail-on-gap, --exec), CancelledError when `deps.signal` fires. Never leaves a file under the final name
 * unless it is complete.
 */
export async function runGet(options: GetOptions, deps: GetDeps): Promise<GetResult> {
  const context = createRunContext(options, deps);
  if (options.cron !== undefined) return runCron(options, options.cron, deps, context, { fetchWindow });
  const fresh = resolveWindow(options.time, { nowMs: deps.nowMs(), timeZone: options.time.tz });
  // An interrupted run of this same request left a manifest: continue the window it resolved ("3h" then).
  const window = (await resumableWindow(options, deps)) ?? fresh;
  const asked = askedRequestOf(options);
  const { result } = await fetchWindow(
    options,
    deps,
    context,
    { window, align: options.time.align ?? 'cover', asked },
    {},
  );
  return result;
}
