import { rename, rm } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { fetchParts, type ClipCallFacts, type PartReplanner } from '../download/fetch-parts.js';
import { makePublicFileMode } from '../download/create-private-file.js';
import type { Clip } from '../mp4/model.js';
import { prepareOutput } from '../output/atomic-file.js';
import { renderTemplate, templateHasField, type TemplateFields } from '../output/template.js';
import { writeFileAtomic } from '../output/write-file-atomic.js';
import type { Part } from '../plan/part.js';
import type { PartResult } from './get-types.js';
import type { CallContext } from './plan-window.js';
import { makeDirectories } from '../output/make-directories.js';
import { toOutputError } from '../output/to-output-error.js';
import { getClipRuntime } from './get-clip-runtime.js';
import { pathExists } from './path-exists.js';

export type DownloadSplitInput = {
  readonly parts: readonly Part[];
  /** The -o template; `_{index:03}` is added before the extension when it has no {index}/{part}. */
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

/** The template with a part number, so the part files of `--split` get distinct names. */
export function partTemplate(template: string): string {
  if (templateHasField(template, 'index')) return template;
  const extension = extname(template);
  return extension === '' ? `${template}_{index:03}` : `${template.slice(0, -extension.length)}_{index:03}${extension}`;
}

/**
 * `--split`: each GetClip body is kept as its own file (1-based `{index}`), moved into place as soon as it is
 * checked, plus a JSON list of the parts (`…_parts.json` beside the first part). No join, no resume manifest.
 * Throws OutputError (exists without --force, write failures) and whatever the download throws.
 */
export async function downloadSplit(
  input: DownloadSplitInput,
  context: CallContext,
): Promise<{ outputs: string[]; parts: PartResult[]; calls: number; outputBytes: number }> {
  const template = partTemplate(input.template);
  // {start}/{end} are each part's own span; {index} is 1-based, as in the parts list.
  const pathFor = (index: number, part: Part | undefined): string =>
    resolve(
      input.cwd,
      renderTemplate(template, {
        ...input.fields,
        ...(part === undefined ? {} : { startMs: part.startMs, endMs: part.endMs }),
        index: index + 1,
      }),
    );
  const firstPath = pathFor(0, input.parts[0]);
  // Checked before any download: an existing part is skipped (--skip-existing) or refused (no --force).
  const planned = await checkPartNames(input, pathFor);
  const listPath = `${firstPath.slice(0, firstPath.length - extname(firstPath).length)}_parts.json`;
  const spoolDir = `${listPath}.kvsclip.d`;
  await makeSplitDirectories(input.mkdir ? dirname(firstPath) : null, spoolDir);
  const outputs: string[] = [];
  const parts: PartResult[] = [];
  const indexOf = new Map<PartResult, number>();
  let outputBytes = 0;
  try {
    const fetched = await fetchParts({
      parts: planned.map((entry) => entry.part),
      concurrency: input.concurrency,
      getClip: input.getClip,
      readClip: input.readClip,
      spoolPathFor: (part) => `${spoolDir}/${part.startMs}-${part.endMs}.mp4`,
      replanner: input.replanner,
      consume: async (part, position) => {
        const index = planned[position.index]?.index ?? position.index;
        const prepared = await prepareOutput(pathFor(index, part.part), { force: input.force, mkdir: input.mkdir });
        await rename(part.path, prepared.partPath);
        await prepared.commit();
        // The spool file was private (0o600); the part is now a plain output.
        await makePublicFileMode(prepared.finalPath);
        outputs.push(prepared.finalPath);
        outputBytes += part.sizeBytes;
        const entry = { part: part.part, downloadedBytes: part.sizeBytes, resumed: false, output: prepared.finalPath };
        parts.push(entry);
        indexOf.set(entry, index + 1);
      },
      ...getClipRuntime(context),
    });
    context.stats.retries += fetched.retries;
    await writePartsList(listPath, input.fields.stream, parts, indexOf);
    return { outputs, parts, calls: fetched.calls, outputBytes };
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
}

/**
 * The planned parts still to download, each with its index in the plan: a part whose file exists is dropped with
 * --skip-existing; without it (and without --force) prepareOutput refuses it before the first GetClip.
 */
async function checkPartNames(
  input: DownloadSplitInput,
  pathFor: (index: number, part: Part) => string,
): Promise<{ part: Part; index: number }[]> {
  const planned: { part: Part; index: number }[] = [];
  for (const [index, part] of input.parts.entries()) {
    const path = pathFor(index, part);
    if (input.skipExisting === true && (await pathExists(path))) continue;
    await prepareOutput(path, { force: input.force, mkdir: input.mkdir });
    planned.push({ part, index });
  }
  return planned;
}

/** The `…_parts.json` list beside the parts: one entry per part written, `index` as in its name (1-based). */
async function writePartsList(
  listPath: string,
  stream: string,
  parts: readonly PartResult[],
  indexOf: ReadonlyMap<PartResult, number>,
): Promise<void> {
  const list = parts.map((entry) => ({
    index: indexOf.get(entry) ?? 0,
    output: entry.output,
    startMs: entry.part.startMs,
    endMs: entry.part.endMs,
    mediaStartMs: entry.part.mediaStartMs,
    mediaEndMs: entry.part.mediaEndMs,
    fragments: entry.part.fragmentCount,
    firstFragmentNumber: entry.part.firstFragmentNumber,
    lastFragmentNumber: entry.part.lastFragmentNumber,
    bytes: entry.downloadedBytes,
  }));
  await writeFileAtomic(listPath, `${JSON.stringify({ version: 1, stream, parts: list }, null, 1)}\n`);
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
