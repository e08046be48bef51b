import { lstat, open, stat } from 'node:fs/promises';
import { OutputError } from '../errors/output-error.js';
import { danglingLinkError, prepareOutput } from '../output/atomic-file.js';
import { renderTemplate, templateHasField } from '../output/template.js';
import { toOutputError } from '../output/to-output-error.js';
import { UsageError } from '../errors/usage-error.js';

/** The default `-o` of `images`: one file per instant, named by it in UTC (milliseconds only when they can differ). */
export function defaultImageTemplate(options: { everyMs: number; format: 'jpeg' | 'png' }): string {
  const time = options.everyMs % 1000 === 0 ? '%Y%m%dT%H%M%SZ' : '%Y%m%dT%H%M%S.%LZ';
  return `{stream}_{time:${time}}.${options.format === 'png' ? 'png' : 'jpg'}`;
}

/** Names the image file of one instant (`{stream}`, `{time:…}`, `{index}`, `{selector}`; sanitised as for get). */
export function imageFileName(
  template: string,
  fields: { stream: string; timeMs: number; index: number; selector: string },
): string {
  return renderTemplate(template, {
    stream: fields.stream,
    startMs: fields.timeMs,
    endMs: fields.timeMs,
    timeMs: fields.timeMs,
    index: fields.index,
    selector: fields.selector,
  });
}

/** Refuses a template that would give every image the same name (no `{time}` and no `{index}`). */
export function checkImageTemplate(template: string): void {
  if (!templateHasField(template, 'time') && !templateHasField(template, 'index')) {
    throw new UsageError('E_USAGE', `-o "${template}" gives every image the same name`, {
      hint: 'put {time:%Y%m%dT%H%M%SZ} or {index:04} in the template',
    });
  }
}

/**
 * Before any network call: refuses a name that already exists (OutputError E_OUTPUT_EXISTS unless `force`), names a
 * directory (E_OUTPUT_WRITE), or repeats the previous instant's name (UsageError: the time format is too coarse for
 * the interval). `names` is lazy, so a day at 200 ms is checked without holding its names.
 */
export async function checkImageNames(names: Iterable<string>, options: { force: boolean }): Promise<void> {
  let previous: string | undefined;
  for (const name of names) {
    if (name === previous) {
      throw new UsageError('E_USAGE', `Two images would both be named "${name}"`, {
        hint: 'use a finer time format in -o, e.g. {time:%Y%m%dT%H%M%S.%LZ}, or add {index:04}',
      });
    }
    previous = name;
    await refuseExistingImage(name, options);
  }
}

/**
 * Refuses an existing picture or sheet (OutputError E_OUTPUT_EXISTS unless `force`), a symbolic link to a missing
 * file (unless `force`) or a directory, before any call.
 */
export async function refuseExistingImage(name: string, options: { force: boolean }): Promise<void> {
  // lstat first: a symbolic link to a missing file is an existing name too, refused here and not after the calls.
  const link = await lstat(name).catch(() => undefined);
  if (link === undefined) return;
  const info = link.isSymbolicLink() ? await stat(name).catch(() => undefined) : link;
  if (info === undefined) {
    if (!options.force) throw danglingLinkError(name);
    return;
  }
  if (info.isDirectory()) throw new OutputError('E_OUTPUT_WRITE', `Output path is a directory: "${name}"`);
  if (info.isFile() && !options.force) {
    throw new OutputError('E_OUTPUT_EXISTS', `Output file already exists: "${name}"`, {
      hint: 'pass --force to overwrite',
    });
  }
}

/**
 * Writes one image: into `<name>.part`, then moved to its name (never over an existing file without `force`), so an
 * interrupted run leaves no partial picture under a final name. Throws OutputError E_OUTPUT_EXISTS / E_OUTPUT_WRITE.
 */
export async function writeImageFile(name: string, bytes: Uint8Array, options: { force: boolean }): Promise<void> {
  const output = await prepareOutput(name, { force: options.force, mkdir: true, skipExisting: 'not-offered' });
  try {
    const handle = await open(output.partPath, 'w', 0o644);
    try {
      await handle.writeFile(bytes);
    } finally {
      await handle.close();
    }
  } catch (error) {
    await output.discard().catch(() => undefined);
    throw toOutputError(error, output.partPath);
  }
  try {
    await output.commit();
  } catch (error) {
    await output.discard().catch(() => undefined);
    throw error;
  }
}
