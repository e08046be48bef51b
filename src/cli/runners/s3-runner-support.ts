import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../output/write-file-atomic.js';
import { getObjectText, putObjectText } from '../../s3/object-text.js';
import { createS3Client, type UploadClient as S3Client } from '../../s3/s3-client.js';
import { isS3Uri, parseS3Uri } from '../../s3/s3-uri.js';
import type { GetOptions } from '../commands/get.js';
import type { AwsOptions } from '../options/aws-options.js';
import type { S3Options } from '../options/s3-options.js';
import type { CliIo } from '../io.js';
import type { JsonS3Object } from '../render/json.js';
import type { StoredObjectInfo } from '../../clip/targets/object-store.js';

// What the `-o s3://…` runners share: the S3 client from the flags and environment, the test knob for part
// sizes, and `--state s3://…` (a local working copy of the state object, written back after the objects).

/**
 * The S3 client for `-o s3://…`: --s3-endpoint-url or AWS_ENDPOINT_URL_S3, the region chain, the profile (`join`
 * has no --region or --profile: only the --s3-* flags and the environment). With -vv each S3 request is a debug line
 * on stderr, as the KVS requests are (src/kvs/request-log.ts: operation, path, status, time; never credentials).
 */
export function s3ClientFor(
  options: { readonly s3?: S3Options; readonly aws?: AwsOptions; readonly mode?: { readonly debug: boolean } },
  io: CliIo,
): S3Client {
  const s3 = options.s3 ?? {};
  const aws: AwsOptions = options.aws ?? { local: false, logRequests: false };
  const region =
    s3.region ?? (aws.local ? undefined : aws.region) ?? io.env['AWS_REGION'] ?? io.env['AWS_DEFAULT_REGION'];
  return createS3Client({
    ...(s3.endpointUrl === undefined ? {} : { endpointUrl: s3.endpointUrl }),
    ...(region === undefined ? (s3.endpointUrl === undefined ? {} : { region: 'us-east-1' }) : { region }),
    ...(aws.profile === undefined ? {} : { profile: aws.profile }),
    ...(aws.logRequests || options.mode?.debug === true
      ? { requestLog: (line: string) => void io.stderr.write(`debug: ${line}\n`) }
      : {}),
  });
}

/** Tests shrink parts (KVS_CLIP_S3_PART_BYTES) to get many parts from a short video; S3's 5 MiB minimum holds. */
export function partBytesFromEnv(io: CliIo): { preferredPartBytes?: number } {
  const value = Number(io.env['KVS_CLIP_S3_PART_BYTES']);
  return Number.isSafeInteger(value) && value > 0 ? { preferredPartBytes: value } : {};
}

/** `--state s3://BUCKET/KEY`: the cron state object and its working copy in staging. */
export type RemoteState = { readonly bucket: string; readonly key: string; readonly localPath: string };

export function remoteState(options: GetOptions, staging: string): RemoteState | null {
  const statePath = options.cron?.state;
  if (statePath === undefined || !isS3Uri(statePath)) return null;
  const { bucket, keyTemplate } = parseS3Uri(statePath);
  return { bucket, key: keyTemplate, localPath: join(staging, 'cron-state.json') };
}

/** The options with `--state s3://…` replaced by its local working copy (unchanged without a remote state). */
export function withLocalState(options: GetOptions, state: RemoteState | null): GetOptions {
  if (state === null || options.cron === undefined) return options;
  return { ...options, cron: { ...options.cron, state: state.localPath, label: options.cron.state } };
}

/** Copies the state object (if any) into staging, where runGet reads and commits it as a local state file. */
export async function loadRemoteState(client: S3Client, state: RemoteState | null, io: CliIo): Promise<void> {
  if (state === null) return;
  const text = await getObjectText(client, state, io.signal);
  if (text !== null) await writeFileAtomic(state.localPath, text);
}

/** Writes the committed working copy back as the state object. */
export async function saveRemoteState(client: S3Client, state: RemoteState | null, io: CliIo): Promise<void> {
  if (state === null) return;
  const text = await readFile(state.localPath, 'utf8').catch(() => null);
  if (text !== null) await putObjectText(client, { bucket: state.bucket, key: state.key, text }, io.signal);
}

/** A completed object, or one left in place (`skipped`: HeadObject's facts, its stored SHA-256), as --json prints it. */
export function jsonS3Object(object: StoredObjectInfo): JsonS3Object {
  return {
    bucket: object.bucket,
    key: object.key,
    uri: object.uri,
    bytes: object.sizeBytes,
    sha256: object.sha256,
    sha256Stored: object.sha256Stored ?? object.sha256 !== null,
    ...(object.checksumSha256 === undefined ? {} : { checksumSha256: object.checksumSha256 }),
    etag: object.etag,
    versionId: object.versionId,
    skipped: object.skipped === true,
  };
}
