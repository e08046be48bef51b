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
