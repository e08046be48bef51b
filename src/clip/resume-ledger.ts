import { rm } from 'node:fs/promises';
import type { FetchedPart } from '../download/fetch-parts.js';
import {
  assertManifestMatches,
  readManifest,
  removeManifest,
  writeManifest,
  type ManifestIdentity,
  type ManifestPart,
  MANIFEST_VERSION,
} from '../download/manifest.js';
import { assertManifestFits } from '../download/assert-manifest-fits.js';
import type { PreparedOutput } from '../output/atomic-file.js';
import type { Part } from '../plan/part.js';
import type { PartResult } from './get-types.js';
import { joinerScratch } from './open-joiner.js';

const partKey = (part: Part): string => `${part.startMs}-${part.endMs}`;

/** Where one joined get keeps its resume state: the manifest `<final>.kvsclip.json` and the spool folder. */
export type ResumePaths = { readonly manifest: string; readonly spool: string };

/**
 * The resume manifest of one joined get as the download changes it (docs/resume-and-state.md, "Resume manifest"):
 * every planned part with its status, how many are joined and the joiner's checkpoint after the last of them. Each
 * change is saved before the caller goes on. For a stream (`file` null) nothing is saved: there is no resume.
 */
export class ResumeLedger {
  private constructor(
    private readonly file: PreparedOutput | null,
    private readonly manifestPath: string,
    private readonly identity: ManifestIdentity,
    private readonly entries: ManifestPart[],
    private joined: number,
    private lastCheckpoint: unknown,
    /** True when a previous run's manifest was read (and checked against this request). */
    readonly resumed: boolean,
  ) {}

  /**
   * Reads and checks the previous run's manifest when resuming a file; otherwise (or when there is none) starts over,
   * removing what a previous run left. Throws UsageError (manifest mismatch, hint --no-continue).
   */
  static async open(
    input: { readonly parts: readonly Part[]; readonly identity: ManifestIdentity; readonly resume: boolean },
    file: PreparedOutput | null,
    paths: ResumePaths,
  ): Promise<ResumeLedger> {
    const manifest = file !== null && input.resume ? await readManifest(paths.manifest, input.parts) : null;
    if (file !== null && manifest !== null) {
      assertManifestMatches(manifest, input.identity, paths.manifest);
      const scratch = { partPath: file.partPath, journalPath: `${file.partPath}.kvsjoin` };
      await assertManifestFits(manifest, input.parts, scratch, paths.manifest);
    } else if (file !== null) await discardResumeState(file, paths);
    const entries: ManifestPart[] =
      manifest?.parts.map((entry) => ({ ...entry })) ?? input.parts.map((part) => ({ part, status: 'planned' }));
    const committed = manifest?.committedParts ?? 0;
    const checkpoint: unknown = manifest?.checkpoint ?? null;
    return new ResumeLedger(file, paths.manifest, input.identity, entries, committed, checkpoint, manifest !== null);
  }

  get total(): number {
    return this.entries.length;
  }

  /** How many parts are joined (the first `committed` entries). */
  get committed(): number {
    return this.joined;
  }

  /** The joiner's checkpoint after the last joined part (null before the first). */
  get checkpoint(): unknown {
    return this.lastCheckpoint;
  }

  /** The parts still to join, in order. */
  remaining(): Part[] {
    return this.entries.slice(this.joined).map((entry) => entry.part);
  }

  /** The results of the parts a previous run joined already. */
  resumedResults(): PartResult[] {
    return this.entries.slice(0, this.joined).map((entry) => ({
      part: entry.part,
      ...(entry.sizeBytes === undefined ? {} : { downloadedBytes: entry.sizeBytes }),
      resumed: true,
    }));
  }

  /** The bodies a previous run downloaded but did not join, by spool path (fetchParts checks and reuses them). */
  downloadedBodies(spoolPathFor: (part: Part) => string): Map<string, { sizeBytes: number; sha256: string }> {
    const finished = new Map<string, { sizeBytes: number; sha256: string }>();
    for (const entry of this.entries) {
      if (entry.status === 'downloaded' && entry.sizeBytes !== undefined && entry.sha256 !== undefined) {
        finished.set(spoolPathFor(entry.part), { sizeBytes: entry.sizeBytes, sha256: entry.sha256 });
      }
    }
    return finished;
  }

  /** True when a rerun could continue: a file with a part joined or downloaded. */
  resumable(): boolean {
    return this.file !== null && (this.joined > 0 || this.entries.some((entry) => entry.status === 'downloaded'));
  }

  async save(): Promise<void> {
    if (this.file === null) return;
    await writeManifest(this.manifestPath, {
      version: MANIFEST_VERSION,
      identity: this.identity,
      parts: this.entries,
      committedParts: this.joined,
      checkpoint: this.lastCheckpoint,
    });
  }

  /** A part's body is in the spool, checked. */
  async downloaded(part: FetchedPart): Promise<void> {
    this.update(part.part, { status: 'downloaded', sizeBytes: part.sizeBytes, ...digestOf(part) });
    await this.save();
  }

  /** A part is joined; `checkpoint` is the joiner's state after it. */
  async commit(part: FetchedPart, checkpoint: unknown): Promise<void> {
    this.lastCheckpoint = checkpoint;
    this.joined++;
    this.update(part.part, { status: 'committed', sizeBytes: part.sizeBytes, ...digestOf(part) });
    await this.save();
  }

  /** The parts after the joined ones were planned again; a part already known keeps its entry. */
  async replan(remaining: readonly Part[]): Promise<void> {
    this.entries.splice(
      this.joined,
      this.entries.length - this.joined,
      ...remaining.map((part): ManifestPart => {
        const known = this.entries.find((entry) => partKey(entry.part) === partKey(part));
        return known ?? { part, status: 'planned' };
      }),
    );
    await this.save();
  }

  private update(part: Part, change: Partial<ManifestPart>): void {
    const at = this.entries.findIndex((entry) => partKey(entry.part) === partKey(part));
    const current = this.entries[at];
    if (current !== undefined) this.entries[at] = { ...current, ...change };
  }
}

function digestOf(part: FetchedPart): { sha256?: string } {
  return part.sha256 === undefined ? {} : { sha256: part.sha256 };
}

/** Removes a previous run's manifest, spool folder and `.part` (starting over). */
export async function discardResumeState(file: PreparedOutput, paths: ResumePaths): Promise<void> {
  await removeManifest(paths.manifest);
  await rm(paths.spool, { recursive: true, force: true });
  // The joiner's journal and spilled tables beside the .part belong to the discarded join too.
  const scratch = joinerScratch(file.partPath);
  await rm(scratch.journal, { force: true });
  await rm(scratch.tables, { force: true });
  await file.discard();
}
