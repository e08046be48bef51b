import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { makeDirectories } from '../output/make-directories.js';
import { prepareOutput } from '../output/atomic-file.js';
import { toOutputError } from '../output/to-output-error.js';
import { refuseExistingImage } from './image-files.js';
import { sheetEnd, sheetStart, sheetTile, type SheetHeader, type SheetTile } from './contact-sheet.js';

/** A contact sheet being written: tiles go to a scratch file as they arrive; `commit` puts the whole page in place. */
export type SheetFile = {
  add(tile: SheetTile): Promise<void>;
  /** Writes header (now that the counts are known), tiles and end into `<sheet>.part`, then moves it into place. */
  commit(header: SheetHeader): Promise<void>;
  /** Removes the scratch files (after a failure); the final name is never touched. */
  discard(): Promise<void>;
};

/** Refuses an existing sheet (OutputError E_OUTPUT_EXISTS unless `force`) or a directory, before any call. */
export async function checkSheetName(path: string, options: { force: boolean }): Promise<void> {
  await refuseExistingImage(path, options);
}

/**
 * Opens a sheet at `path` (docs/images.md, "The contact sheet"). Tiles are appended to a scratch file beside it, so
 * memory holds one picture at a time; the counts in the header are only known at the end, which is why the page is
 * assembled in `commit`. Throws OutputError E_OUTPUT_WRITE / E_OUTPUT_EXISTS.
 */
export async function openSheetFile(
  path: string,
  context: { stream: string; timeZone: string; everyMs: number; selector: string; force: boolean },
): Promise<SheetFile> {
  const scratch = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tiles.tmp`;
  let tiles: FileHandle;
  try {
    await makeDirectories(dirname(resolve(path)));
    tiles = await open(scratch, 'wx', 0o600);
  } catch (error) {
    throw toOutputError(error, scratch);
  }
  const discard = async (): Promise<void> => {
    await tiles.close().catch(() => undefined);
    await rm(scratch, { force: true });
  };
  return {
    async add(tile) {
      await tiles.write(sheetTile(tile, context)).catch((error: unknown) => {
        throw toOutputError(error, scratch);
      });
    },
    async commit(header) {
      await tiles.close();
      const output = await prepareOutput(path, { force: context.force, mkdir: true, skipExisting: 'not-offered' });
      try {
        const page = await open(output.partPath, 'w', 0o644);
        try {
          await page.write(sheetStart(header));
          for await (const chunk of createReadStream(scratch)) await page.write(chunk as Buffer);
          await page.write(sheetEnd());
        } finally {
          await page.close();
        }
        await output.commit();
      } catch (error) {
        await output.discard().catch(() => undefined);
        throw toOutputError(error, path);
      } finally {
        await rm(scratch, { force: true });
      }
    },
    discard,
  };
}
