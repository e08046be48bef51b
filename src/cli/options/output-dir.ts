import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { UsageError } from '../../errors/usage-error.js';

/**
 * Where `get` writes, from `-o` and `--output-dir` (README.md, "Output files"): `-o DIR/` (a trailing slash) or `-o DIR`
 * naming an existing directory means the default name inside DIR, as `cp` and `curl --output-dir` read it; `--output-dir
 * DIR` puts the default name, or `-o`'s relative name or template, inside DIR. `-o s3://BUCKET/PREFIX/` is the default
 * name under that prefix. Returns the path or template to write (undefined: the default name in the working
 * directory). Throws UsageError E_USAGE for `--output-dir` with `-o -`, with `-o s3://…` or with an absolute `-o`.
 */
export function resolveOutputPath(
  output: string | undefined,
  outputDir: string | undefined,
  defaultTemplate: string,
): string | undefined {
  if (outputDir !== undefined) return insideOutputDir(output, outputDir, defaultTemplate);
  if (output === undefined || output === '-') return output;
  if (output.endsWith('/')) return `${output}${defaultTemplate}`;
  return isExistingDirectory(output) ? join(output, defaultTemplate) : output;
}

function insideOutputDir(output: string | undefined, outputDir: string, defaultTemplate: string): string {
  if (outputDir === '')
    throw new UsageError('E_USAGE', '--output-dir needs a directory', { hint: 'e.g. --output-dir clips' });
  if (output === '-')
    throw new UsageError('E_USAGE', '--output-dir cannot be combined with -o - (stdout carries the video)');
  if (output?.startsWith('s3://') === true || outputDir.startsWith('s3://'))
    throw new UsageError('E_USAGE', '--output-dir is a local directory', {
      hint: 'For S3 put the prefix in -o: -o s3://BUCKET/PREFIX/ writes the default name under it',
    });
  if (output !== undefined && isAbsolute(output))
    throw new UsageError('E_USAGE', `-o ${output} is an absolute path, so --output-dir ${outputDir} would be ignored`, {
      hint: 'Give -o a name relative to --output-dir, or drop --output-dir',
    });
  if (output === undefined || output.endsWith('/')) return join(outputDir, output ?? '', defaultTemplate);
  const inside = join(outputDir, output);
  return isExistingDirectory(inside) ? join(inside, defaultTemplate) : inside;
}

/** True for an existing directory (or a link to one); a template (`{stream}/…`) or a missing path is not. */
function isExistingDirectory(path: string): boolean {
  if (path.includes('{')) return false;
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    // ENOTDIR, EACCES, ELOOP…: not a directory we could write into; the output stage reports the real problem.
    return false;
  }
}
