import { Option, type OptionValues } from 'commander';
import type { OutputFormat } from '../../mp4/model.js';
import { choiceOption } from './option-values.js';

/**
 * `--format` of get and join, in the joiner's own words (OutputFormat in src/mp4/model.ts): `progressive` (one
 * moov) or `fragmented` (moof per part). `mp4` and `fmp4`, the names before, stay accepted as aliases (README.md,
 * "Output files"), so existing scripts keep working.
 */
export const OUTPUT_FORMATS = ['progressive', 'fragmented'] as const satisfies readonly OutputFormat[];
export const FORMAT_ALIASES = { mp4: 'progressive', fmp4: 'fragmented' } as const satisfies Record<
  string,
  OutputFormat
>;
const NAMES = [...OUTPUT_FORMATS, ...(Object.keys(FORMAT_ALIASES) as (keyof typeof FORMAT_ALIASES)[])];

/** The `--format` option, defaulting to `fallback`. */
export function formatOption(fallback: OutputFormat): Option {
  return new Option(
    '--format <format>',
    'progressive (one moov) or fragmented (used for -o -); mp4 and fmp4 are aliases',
  )
    .choices(NAMES)
    .default(fallback);
}

/** The format asked for, aliases resolved; `fragmented` whenever the output is stdout. */
export function readFormat(values: OptionValues, output: string | undefined, fallback: OutputFormat): OutputFormat {
  if (output === '-') return 'fragmented';
  const name = choiceOption(values, 'format', NAMES, fallback);
  return name in FORMAT_ALIASES ? FORMAT_ALIASES[name as keyof typeof FORMAT_ALIASES] : (name as OutputFormat);
}
