import { resolve } from 'node:path';
import { DEFAULT_TEMPLATE, renderTemplate, type TemplateFields } from '../output/template.js';
import { formatS3Uri, isS3Uri, parseS3Uri, renderS3Key } from '../s3/s3-uri.js';
import { splitAtGaps } from './download-gap-runs.js';
import type { GetOptions, GetResult } from './get-types.js';

/**
 * The outputs a real run of a `--dry-run`'s plan would write, in order (its `wouldWrite` in --json): the one file or
 * `s3://bucket/key` of a joined get, `-` for stdout, one name per part with `--split` and one per run of media with
 * `--gaps split`, named from the -o template as the targets name them ({index} 1-based, {start}/{end} the part's or
 * the run's own span: targets/split-files.ts, targets/s3-split-objects.ts, download-gap-runs.ts, targets/s3-gap-runs.ts).
 * Nothing is checked: whether a name exists is the real run's business. Pure.
 */
export function plannedOutputs(
  options: Pick<GetOptions, 'stream' | 'output'>,
  result: GetResult,
  cwd: string,
): string[] {
  const { output } = options;
  if (output.path === '-') return ['-'];
  const nameOf = outputNamer(output.path ?? DEFAULT_TEMPLATE, cwd);
  const window = result.window;
  const fields: TemplateFields = {
    stream: options.stream,
    startMs: window.startMs,
    endMs: window.endMs,
    selector: result.selector,
  };
  const parts = result.parts.map((entry) => entry.part);
  if (output.split)
    return parts.map((part, index) =>
      nameOf({ ...fields, startMs: part.startMs, endMs: part.endMs, index: index + 1 }),
    );
  if (output.gaps === 'split')
    return splitAtGaps(parts, result.gaps, window).map((run, index) =>
      nameOf({ ...fields, startMs: run.range.startMs, endMs: run.range.endMs, index: index + 1 }),
    );
  return [nameOf(fields)];
}

/** A local path resolved against `cwd`, or the `s3://bucket/key` URI of an S3 template. */
function outputNamer(template: string, cwd: string): (fields: TemplateFields) => string {
  if (!isS3Uri(template)) return (fields) => resolve(cwd, renderTemplate(template, fields));
  const destination = parseS3Uri(template);
  return (fields) => formatS3Uri(destination.bucket, renderS3Key(destination, fields));
}
