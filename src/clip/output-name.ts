import { resolve } from 'node:path';
import { DEFAULT_TEMPLATE, renderTemplate } from '../output/template.js';
import type { Selector, TimeRange } from '../plan/fragment.js';

/**
 * The one place a single-file output name is rendered: the -o template (or the default) filled with the stream,
 * the window and the selector, resolved against `cwd`. Split parts and gap runs render their own per-file names.
 */
export function outputName(
  request: { readonly path?: string | undefined; readonly stream: string; readonly selector: Selector },
  window: TimeRange,
  cwd: string,
): string {
  const template = request.path ?? DEFAULT_TEMPLATE;
  const fields = { stream: request.stream, startMs: window.startMs, endMs: window.endMs, selector: request.selector };
  return resolve(cwd, renderTemplate(template, fields));
}
