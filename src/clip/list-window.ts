import type { Selector, TimeRange } from '../plan/fragment.js';
import type { FragmentTable } from '../plan/fragment-table.js';
import type { GetDeps } from './get-types.js';
import { listAllFragments } from './plan-window.js';
import { createRunContext, type CallSettings } from './run-context.js';

/**
 * `kvs-clip list`'s remote half: every fragment of `range`, through the same KVS port, pacer and retry budget as
 * `get` (createRunContext, listAllFragments), so both commands list, pace and retry alike. Retries reach
 * `deps.emit` as `retry` events. Throws the port's typed errors (NotFoundError for an unknown stream, AuthError, …).
 */
export function listWindow(
  settings: CallSettings,
  query: { readonly range: TimeRange; readonly selector: Selector },
  deps: Omit<GetDeps, 'cwd' | 'stdout'>,
): Promise<FragmentTable> {
  return listAllFragments(query.range, query.selector, createRunContext(settings, deps));
}
