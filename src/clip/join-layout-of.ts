import { GET_DEFAULTS } from './get-defaults.js';
import type { GetOptions } from './get-types.js';
import type { JoinLayout } from './join-port.js';

/** The join layout a `get` asked for: fragmented for stdout, else `--format`; defaults from get-defaults.ts. */
export function joinLayoutOf(options: Pick<GetOptions, 'output' | 'format' | 'faststart' | 'gaps'>): JoinLayout {
  return {
    format: options.output === '-' ? 'fmp4' : (options.format ?? GET_DEFAULTS.format),
    faststart: options.faststart ?? GET_DEFAULTS.faststart,
    gaps: options.gaps ?? GET_DEFAULTS.gaps,
  };
}

/** The layout settings that change the output bytes, as one comparable text (resume manifests store it). */
export function layoutKey(layout: JoinLayout): string {
  return `${layout.format} faststart=${String(layout.faststart)} gaps=${layout.gaps}`;
}
