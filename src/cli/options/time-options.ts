import { Option, type Command } from 'commander';
import { UsageError } from '../../errors/usage-error.js';
import { validateTimeZone } from '../../time/zone.js';
import type { CliIo } from '../io.js';
import { choiceOption, flagOption, stringOption } from './option-values.js';

export const SELECTORS = ['server', 'producer'] as const;
export type Selector = (typeof SELECTORS)[number];

/**
 * The time range exactly as the user typed it (docs/planning.md, "Time ranges"), plus the zone and the timestamp
 * selector. Resolution to a UTC window happens in the use case with src/time, against the injected clock.
 */
export type TimeSpec = {
  readonly since?: string;
  readonly until?: string;
  readonly last?: string;
  readonly at?: string;
  readonly duration?: string;
  /** The positional RANGE or `--range`. */
  readonly range?: string;
  /** IANA zone for naive times: --utc, else --tz / KVS_CLIP_TZ, else TZ (UTC, with a warning, if TZ is no zone name), else the system zone. */
  readonly tz: string;
  readonly selector: Selector;
};

const window = ['since', 'from', 'until', 'to', 'last', 'at', 'duration', 'range'];
const others = (...keep: string[]): string[] => window.filter((name) => !keep.includes(name));

/** Add the range flags, --tz/--utc and --timestamps to a command that also takes a `[range]` argument. */
export function addTimeOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--since <time>', 'start of the window, e.g. "2h ago", "2025-06-14 15:00", "yesterday 3pm"').conflicts(
        others('since', 'until', 'to'),
      ),
    )
    .addOption(new Option('--from <time>', 'alias of --since').conflicts(others('from', 'until', 'to')))
    .addOption(
      new Option('--until <time>', 'end of the window (default: now)').conflicts(others('until', 'since', 'from')),
    )
    .addOption(new Option('--to <time>', 'alias of --until').conflicts(others('to', 'since', 'from')))
    .addOption(new Option('--last <duration>', 'the last D until now, e.g. 10m, 1h30m').conflicts(others('last')))
    .addOption(new Option('--at <time>', 'window start, with --duration').conflicts(others('at', 'duration')))
    .addOption(new Option('--duration <duration>', 'window length, with --at').conflicts(others('at', 'duration')))
    .addOption(
      new Option('--range <range>', 'a whole range: "A..B", "A to B", "yesterday 3pm to 4pm"').conflicts(
        others('range'),
      ),
    )
    .addOption(new Option('--tz <zone>', 'IANA time zone for times without an offset').env('KVS_CLIP_TZ'))
    .option('--utc', 'read times without an offset as UTC (same as --tz UTC); times shown are always UTC')
    .addOption(
      new Option('--timestamps <kind>', 'select fragments by server or producer timestamps')
        .choices(SELECTORS)
        .default('server'),
    );
}

/**
 * Read the flags added by addTimeOptions plus the positional RANGE.
 * @throws UsageError for a RANGE mixed with range flags, --at without --duration (or the reverse), --utc with
 *   --tz, or an unknown zone (validateTimeZone).
 */
export function readTimeSpec(command: Command, positionalRange: string | undefined, io: CliIo): TimeSpec {
  const values = command.opts();
  const pick = (a: string, b?: string): string | undefined =>
    stringOption(values, a) ?? (b === undefined ? undefined : stringOption(values, b));
  const spec = {
    since: pick('since', 'from'),
    until: pick('until', 'to'),
    last: pick('last'),
    at: pick('at'),
    duration: pick('duration'),
    range: pick('range'),
  };
  if (positionalRange !== undefined) {
    const mixed = Object.entries(spec).find(([, value]) => value !== undefined);
    if (mixed !== undefined) {
      throw new UsageError('E_USAGE', `The RANGE argument "${positionalRange}" cannot be combined with --${mixed[0]}`, {
        hint: 'Give either one RANGE ("yesterday 3pm to 4pm") or the --since/--until/--last/--at flags.',
      });
    }
    spec.range = positionalRange;
  }
  if ((spec.at === undefined) !== (spec.duration === undefined)) {
    throw new UsageError('E_USAGE', spec.at === undefined ? '--duration needs --at' : '--at needs --duration', {
      hint: 'Example: --at "2025-06-14 15:00" --duration 10m',
    });
  }
  const defined = Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined));
  return {
    ...defined,
    tz: readZone(command, io),
    selector: choiceOption(values, 'timestamps', SELECTORS, 'server'),
  };
}

export function readZone(command: Command, io: CliIo): string {
  const values = command.opts();
  // Commander's .env() reads process.env; the injected io.env is the same map in production and a fake in tests.
  const tz = stringOption(values, 'tz') ?? nonEmpty(io.env['KVS_CLIP_TZ']);
  if (flagOption(values, 'utc')) {
    // KVS_CLIP_TZ in the environment must not make --utc an error; only an explicit --tz conflicts.
    if (tz !== undefined && command.getOptionValueSource('tz') === 'cli') {
      throw new UsageError('E_USAGE', `--utc cannot be combined with --tz "${tz}"`);
    }
    return 'UTC';
  }
  if (tz !== undefined) return validateTimeZone(tz);
  const envTz = io.env['TZ'];
  if (envTz !== undefined && envTz !== '') {
    if (isZone(envTz)) return validateTimeZone(envTz);
    // A misspelt name or a POSIX rule ("CET-1CEST"): Node's ICU reads neither (it reports no zone, or UTC), so say
    // so once and use UTC rather than guess.
    if (!flagOption(values, 'quiet')) {
      io.stderr.write(
        `warning: TZ=${JSON.stringify(envTz)} is not an IANA time zone name; reading times without an offset in UTC (choose one with --tz ZONE, e.g. --tz Europe/Berlin)\n`,
      );
    }
    return 'UTC';
  }
  const system: unknown = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return typeof system === 'string' && isZone(system) ? validateTimeZone(system) : 'UTC';
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}

function isZone(zone: string): boolean {
  try {
    validateTimeZone(zone);
    return true;
  } catch {
    return false;
  }
}
