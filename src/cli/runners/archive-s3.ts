import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateMirror } from '../../archive/archive-types.js';
import { writeFileAtomic } from '../../output/write-file-atomic.js';
import { createS3ObjectStore } from '../../s3/object-store.js';
import { getObjectText, putObjectText } from '../../s3/object-text.js';
import { isS3Uri, parseS3Uri } from '../../s3/s3-uri.js';
import { readFile } from 'node:fs/promises';
import type { ArchiveCliOptions } from '../commands/archive.js';
import type { CliIo } from '../io.js';
import { partBytesFromEnv, s3ClientFor } from './s3-runner-support.js';

// `archive -o s3://…` and `--state-dir s3://…` (docs/archive.md, "State in S3"): the object store `get` writes
// through, and one state object per stream behind a local working copy in staging.

export type ArchiveS3 = {
  /**
   * Opens the object store on `work`, the archive's signal that aborts once the grace after a stop is over (the
   * stop itself must not cut an upload that can still finish, docs/archive.md "How a run works").
   */
  readonly openObjectStore?: (work: AbortSignal) => ReturnType<typeof createS3ObjectStore>;
  readonly stateMirror?: StateMirror;
  /** The local directory that holds the state files (the working copies when the state is in S3). */
  readonly stateDir: string;
  close(): void;
};

/** The S3 bindings of one archive run; nothing (and `stateDir` as given) when neither -o nor --state-dir is s3://. */
export function openArchiveS3(options: ArchiveCliOptions, io: CliIo): ArchiveS3 {
  if (!isS3Uri(options.output)) return { stateDir: options.stateDir, close: () => undefined };
  const client = s3ClientFor(options, io);
  const scratchRoot = io.env['KVS_CLIP_STAGING_DIR'] ?? join(tmpdir(), 'kvs-clip-s3');
  const openObjectStore = (work: AbortSignal): ReturnType<typeof createS3ObjectStore> =>
    createS3ObjectStore({
      client,
      settings: options.s3 ?? {},
      wholeSha256: options.s3?.skipSha256 !== true,
      force: false,
      scratchRoot,
      ...partBytesFromEnv(io),
      signal: work,
    });
  const close = (): void => client.destroy();
  if (!isS3Uri(options.stateDir)) return { openObjectStore, stateDir: options.stateDir, close };
  // parseS3Uri needs a key: the prefix, with any trailing slash dropped ("s3://b/state/" is "s3://b/state").
  const { bucket, keyTemplate: prefix } = parseS3Uri(options.stateDir.replace(/\/+$/, ''));
  const keyOf = (stream: string): string => `${prefix}/${stream}.state.json`;
  const stateMirror: StateMirror = {
    async load(stream, localPath, signal) {
      const text = await getObjectText(client, { bucket, key: keyOf(stream) }, signal);
      // The object is the truth: a working copy left by an older run on this host must not win over it.
      if (text === null) await rm(localPath, { force: true });
      else await writeFileAtomic(localPath, text);
    },
    async save(stream, localPath, signal) {
      const text = await readFile(localPath, 'utf8');
      await putObjectText(client, { bucket, key: keyOf(stream), text }, signal);
    },
  };
  const digest = createHash('sha256').update(options.stateDir).digest('hex').slice(0, 20);
  return { openObjectStore, stateMirror, stateDir: join(scratchRoot, `archive-state-${digest}`), close };
}
