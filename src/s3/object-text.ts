import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from './load-sdk.js';
import { mapS3Error } from './map-s3-error.js';

type Target = { readonly bucket: string; readonly key: string };

/**
 * Reads a small text object (the cron state); null when the key does not exist. Throws AuthError (s3:GetObject),
 * OutputError for a missing bucket, RemoteError after retries.
 */
export async function getObjectText(client: S3Client, target: Target, signal?: AbortSignal): Promise<string | null> {
  const { GetObjectCommand } = s3Sdk();
  try {
    const reply = await client.send(
      new GetObjectCommand({ Bucket: target.bucket, Key: target.key }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    return reply.Body === undefined ? '' : await reply.Body.transformToString('utf8');
  } catch (error) {
    if ((error as { name?: unknown }).name === 'NoSuchKey') return null;
    throw mapS3Error(error, { action: 's3:GetObject', ...target });
  }
}

/** Writes a small text object in one PutObject (S3 makes it visible whole or not at all). Throws like mapS3Error. */
export async function putObjectText(
  client: S3Client,
  target: Target & { readonly text: string },
  signal?: AbortSignal,
): Promise<void> {
  const { PutObjectCommand } = s3Sdk();
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: target.key,
        Body: target.text,
        ContentType: 'application/json',
      }),
      signal === undefined ? {} : { abortSignal: signal },
    );
  } catch (error) {
    throw mapS3Error(error, { action: 's3:PutObject', bucket: target.bucket, key: target.key });
  }
}
