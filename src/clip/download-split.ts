import { rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fetchParts, type ClipCallFacts, type PartReplanner } from '../download/fetch-parts.js';
import { makePublicFileMode } from '../download/create-private-file.js';
import type { Clip } from '../mp4/model.js';
import { prepareOutput } from '../output/atomic-file.js';
import { DEFAULT_TEMPLATE, renderTemplate, templateHasField, type TemplateFields } from '../output/template.js';
import { UsageError } from '../errors/usage-error.js';
import { withoutKeptParts } from '../errors/remote-error.js';
import type { Part } from '../plan/part.js';
import type { PartResult } from './get-types.js';
import type { CallContext } from './plan-window.js';
import { makeDirectories } from '../output/make-directories.js';
import { toOutputError } from '../output/to-output-error.js';
import { getClipRuntime } from './get-clip-runtime.js';
import { pathExists } from './path-exists.js';
import type { GetOptions } from './get-types.js';

export type DownloadSplitInput = {
  readonly parts: readonly Part[];
  /** The -o template: it names each part by {index}, {start} or {end} (checkSplitOptions). */
  readonly template: string;
  readonly fields: TemplateFields;
  readonly cwd: string;
  readonly force: boolean;
  readonly mkdir: boolean;
  /** `--skip-existing`: parts whose file is already in place are not downloaded. */
  readonly skipExisting?: boolean;
  readonly concurrency: number;
  readonly replanner: PartReplanner;
  readonly readClip: (path: string) => Promise<Clip>;
  readonly getClip: (
    part: Part,
    options: { destPath: string; signal: AbortSignal; onBytes: (bytes: number) => void },
  ) => Promise<ClipCallFacts>;
};

const SPLIT_HINT = "add {index} to -o, e.g. -o 'cam_{index:03}.mp4' ({index} counts from 1)";

/**
 * `--split` writes one file per GetClip call, so -o must tell the parts apart: by {index}/{part} or by each part's
 * own {start}/{end}. A template without any of them is refused before any network call (UsageError), rather than
 * given a number the user did not ask for.
 */
export function checkSplitOptions(options: GetOptions): void {
  if (!options.output.split) return;
  const template = options.output.path ?? DEFAULT_TEMPLATE;
  if ((['index', 'start', 'end'] as const).some((field) => templateHasField(template, field))) return;
  throw new UsageError('E_USAGE', `--split writes one file per part, but -o "${template}" gives them all one name`, {
    hint: SPLIT_HINT,
  });
}

/**
 * `--split`: each GetClip body is kept as its own file (1-based `{index}`, the part's own `{start}`/`{end}`), moved
 * into place as soon as it is checked. Nothing else is left beside the parts: the `--json` document lists them. No
 * join, no resume manifest.
 * Throws OutputError (exists without --force, write failures) and whatever the download throws.
 */
export async function downloadSplit(
  input: DownloadSplitInput,
  context: CallContext,
): Promise<{ outputs: string[]; parts: PartResult[]; calls: number; outputBytes: number }> {
  const pathFor = partPathFor(input);
  const firstPath = pathFor(0, input.parts[0]);
  // Checked before any download: an existing part is skipped (--skip-existing) or refused (no --force).
  const planned = await checkPartNames(input, pathFor);
  const spoolDir = `${firstPath}.kvsclip.d`;
  await makeSplitDirectories(input.mkdir ? dirname(firstPath) : null, spoolDir);
  const outputs: string[] = [];
  const parts: PartResult[] = [];
  const named = new Set<string>();
  let outputBytes = 0;
  try {
    const fetched = await fetchParts({
      parts: planned.map((entry) => entry.part),
      concurrency: input.concurrency,
      getClip: input.getClip,
      readClip: input.readClip,
      spoolPathFor: (part) => `${spoolDir}/${part.startMs}-${part.endMs}.mp4`,
      replanner: input.replanner,
      // A truncated part re-planned into several: their names must differ too, before any of them is written.
      onReplan: (remaining) => checkReplannedNames(input.template, remaining, pathFor, named),
      consume: async (part, position) => {
        const index = planned[position.index]?.index ?? position.index;
        const path = pathFor(index, part.part);
        refuseRepeatedName(path, named);
        const prepared = await prepareOutput(path, { force: input.force, mkdir: input.mkdir });
        await rename(part.path, prepared.partPath);
        await prepared.commit();
        // The spool file was private (0o600); the part is now a plain output.
        await makePublicFileMode(prepared.finalPath);
        outputs.push(prepared.finalPath);
        outputBytes += part.sizeBytes;
        // The part carries the number in its name, so --json's parts[].index and {index} agree.
        parts.push({
          part: { ...part.part, index },
          downloadedBytes: part.sizeBytes,
          resumed: false,
          output: prepared.finalPath,
        });
      },
      ...getClipRuntime(context),
    });
    context.stats.retries += fetched.retries;
    return { outputs, parts, calls: fetched.calls, outputBytes };
  } catch (error) {
    // Kept parts are the part files in place (written now, or found by --skip-existing).
    throw outputs.length > 0 || planned.length < input.parts.length ? error : withoutKeptParts(error);
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
}

/** Names a part from the template: {start}/{end} are the part's own span, {index} is 1-based. */
function partPathFor(input: DownloadSplitInput): (index: number, part: Part | undefined) => string {
  return (index, part) =>
    resolve(
      input.cwd,
      renderTemplate(input.template, {
        ...input.fields,
        ...(part === undefined ? {} : { startMs: part.startMs, endMs: part.endMs }),
        index: index + 1,
      }),
    );
}

/** Refuses a second part under a name this run already gave (UsageError), else records it. */
function refuseRepeatedName(path: string, named: Set<string>): void {
  if (named.has(path)) throw new UsageError('E_USAGE', `Two parts would both be named "${path}"`, { hint: SPLIT_HINT });
  named.add(path);
}

/**
 * After a re-plan, with names that do not count parts: refuses (UsageError) when two of the remaining parts, or one
 * of them and a part already written, would get one name. With {index} every part has its own number.
 */
function checkReplannedNames(
  template: string,
  remaining: readonly Part[],
  pathFor: (index: number, part: Part) => string,
  named: ReadonlySet<string>,
): Promise<void> {
  return new Promise((resolve) => {
    if (!templateHasField(template, 'index')) {
      const seen = new Set(named);
      for (const part of remaining) refuseRepeatedName(pathFor(0, part), seen);
    }
    resolve();
  });
}

/**
 * The planned parts still to download, each with its index in the plan: a part whose file exists is dropped with
 * --skip-existing; without it (and without --force) prepareOutput refuses it before the first GetClip. Two parts
 * that would get one name (a {start} too coarse for them) are refused too (UsageError).
 */
async function checkPartNames(
  input: DownloadSplitInput,
  pathFor: (index: number, part: Part) => string,
): Promise<{ part: Part; index: number }[]> {
  const planned: { part: Part; index: number }[] = [];
  const seen = new Set<string>();
  for (const [index, part] of input.parts.entries()) {
    const path = pathFor(index, part);
    refuseRepeatedName(path, seen);
    if (input.skipExisting === true && (await pathExists(path))) continue;
    await prepareOutput(path, { force: input.force, mkdir: input.mkdir });
    planned.push({ part, index });
  }
  return planned;
}

/** The parts' directory (with --mkdir) and the private spool folder. */
async function makeSplitDirectories(outputDir: string | null, spoolDir: string): Promise<void> {
  if (outputDir !== null)
    await makeDirectories(outputDir).catch((cause: unknown) => {
      throw toOutputError(cause, outputDir);
    });
  await makeDirectories(spoolDir, { mode: 0o700 }).catch((cause: unknown) => {
    throw toOutputError(cause, spoolDir);
  });
}
