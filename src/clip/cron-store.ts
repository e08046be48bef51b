import { UsageError } from '../errors/usage-error.js';
import { readState, writeState, STATE_VERSION, type CronState } from '../output/state-file.js';
import { fragmentStartMs, type Fragment, type TimeRange } from '../plan/fragment.js';
import type { GetDeps, GetOptions } from './get-types.js';

/** The state fields a cron run writes (the store adds version, stream, selector and updatedAt). */
export type CronFields = Omit<CronState, 'version' | 'stream' | 'selector' | 'updatedAt'>;

/** Reads and writes one `--state` file for one stream and selector. */
export type CronStore = {
  readonly path: string;
  read(): Promise<CronState | undefined>;
  save(fields: CronFields): Promise<void>;
};

export function cronStore(path: string, options: GetOptions, deps: Pick<GetDeps, 'nowMs'>): CronStore {
  const { selector } = options.time;
  return {
    path,
    async read() {
      const state = await readState(path);
      if (state !== undefined && (state.stream !== options.stream || state.selector !== selector)) {
        throw new UsageError(
          'E_USAGE',
          `State file ${path} belongs to ${state.stream} (${state.selector} timestamps), not ${options.stream} (${selector})`,
          { hint: 'Use one state file per stream and selector' },
        );
      }
      return state;
    },
    save: (fields) =>
      writeState(path, {
        version: STATE_VERSION,
        stream: options.stream,
        selector,
        ...fields,
        updatedAt: new Date(deps.nowMs()).toISOString(),
      }),
  };
}

/**
 * Where the cursor goes after a window: just past the last fragment fetched; with nothing fetched and server
 * timestamps, the window's end (nothing can appear behind it any more); else where it was.
 */
export function nextCursor(
  last: Fragment | undefined,
  facts: { cursorMs: number; window: TimeRange; options: GetOptions; lastFragmentNumber: string | undefined },
): { cursorMs: number; lastFragmentNumber?: string } {
  const keep = facts.lastFragmentNumber === undefined ? {} : { lastFragmentNumber: facts.lastFragmentNumber };
  if (last === undefined) {
    const server = facts.options.time.selector === 'server';
    return { cursorMs: server ? Math.max(facts.cursorMs, facts.window.endMs) : facts.cursorMs, ...keep };
  }
  return { cursorMs: fragmentStartMs(last, facts.options.time.selector) + 1, lastFragmentNumber: last.fragmentNumber };
}
