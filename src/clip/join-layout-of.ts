import type { OutputOptions } from './get-types.js';
import type { JoinLayout } from './join-port.js';

/** The join layout a `get` asked for: fragmented for stdout, else `--format`. */
export function joinLayoutOf(output: Pick<OutputOptions, 'path' | 'format' | 'faststart' | 'gaps'>): JoinLayout {
  return {
    format: output.path === '-' ? 'fragmented' : output.format,
    faststart: output.faststart,
    gaps: output.gaps,
  };
}

/**
 * The layout settings that change the output bytes, as one comparable text (resume manifests store it). The format
 * keeps the manifest's own spelling since its first version (mp4 / fmp4), so a manifest written before the CLI said
 * progressive / fragmented still matches.
 */
export function layoutKey(layout: JoinLayout): string {
  const format = layout.format === 'fragmented' ? 'fmp4' : 'mp4';
  return `${format} faststart=${String(layout.faststart)} gaps=${layout.gaps}`;
}
