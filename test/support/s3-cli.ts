/**
 * What the S3 end-to-end tests of the CLI share: a child environment with nothing of the developer's AWS settings,
 * pointed at the test s3rver; reading objects back; and the streaming upload's state file in a staging folder.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestS3 } from './s3rver.js';

/** A fresh environment for one CLI run: HOME in `home`, the given S3 server, staging under `home/staging`. */
export function s3CliEnv(s3: TestS3, home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    TZ: 'UTC',
    HOME: home,
    TMPDIR: home,
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3.url,
    KVS_CLIP_STAGING_DIR: join(home, 'staging'),
    ...extra,
  };
}

export async function objectBytes(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const reply = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (reply.Body === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
  return Buffer.from(await reply.Body.transformToByteArray());
}

export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Files under `root` (recursively) whose names end with `suffix`; none when it does not exist. */
export async function filesEndingWith(root: string, suffix: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((entry) => entry.endsWith(suffix)).map((entry) => join(root, entry));
}

/** The streaming upload's state (upload.json) in a staging folder, or null when there is none (yet). */
export async function uploadStateIn(
  stagingDir: string,
): Promise<{ uploadId: string | null; parts: { partNumber: number }[] } | null> {
  const [path] = await filesEndingWith(stagingDir, 'upload.json');
  if (path === undefined) return null;
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as { uploadId: string | null; parts: { partNumber: number }[] };
  } catch {
    return null; // caught between write and rename
  }
}
