import type { WindowInput } from '../time/resolve-window.js';
import type { GetOptions } from './get-types.js';
import { joinLayoutOf, layoutKey } from './join-layout-of.js';

/**
 * A plain run's request as typed (docs/resume-and-state.md, "Resuming a relative range"): what a rerun must repeat
 * to continue the window the interrupted run resolved. Stored in the resume manifest's identity.
 */
export type AskedRequest = {
  readonly stream: string;
  /** The time flags given, by flag name (`--since`: `3h`), in a fixed order. */
  readonly time: Readonly<Record<string, string>>;
  readonly timeZone: string;
  readonly selector: string;
  readonly align: string;
  readonly layout: string;
};

const TIME_FLAGS: ReadonlyArray<[keyof WindowInput, string]> = [
  ['range', 'RANGE'],
  ['since', '--since'],
  ['until', '--until'],
  ['last', '--last'],
  ['at', '--at'],
  ['duration', '--duration'],
];

/** The request a plain run records in its manifest and compares with a manifest it finds. */
export function askedRequestOf(options: GetOptions): AskedRequest {
  const time: Record<string, string> = {};
  for (const [key, flag] of TIME_FLAGS) {
    const value = options.time[key];
    if (value !== undefined) time[flag] = value;
  }
  return {
    stream: options.streamArn ?? options.stream,
    time,
    timeZone: options.time.tz,
    selector: options.time.selector,
    align: options.time.align ?? 'cover',
    layout: layoutKey(joinLayoutOf(options.output)),
  };
}
