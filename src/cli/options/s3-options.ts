import { Option, type Command, type OptionValues } from 'commander';
import { UsageError } from '../../errors/usage-error.js';
import type { CliIo } from '../io.js';
import { choiceOption, stringOption } from './option-values.js';

export const S3_SSE_MODES = ['AES256', 'aws:kms'] as const;

/** How to write `-o s3://…` objects. Credentials come from the SDK's standard chain. */
export type S3Options = {
  /** `--s3-endpoint-url`, else AWS_ENDPOINT_URL_S3: a custom endpoint, addressed path-style. */
  readonly endpointUrl?: string;
  /** `--s3-region`: default the SDK chain; the SDK follows region redirects either way. */
  readonly region?: string;
  readonly storageClass?: string;
  readonly sse?: (typeof S3_SSE_MODES)[number];
  readonly kmsKeyId?: string;
  readonly acl?: string;
  /** `--no-s3-sha256`: skip the whole-object SHA-256 (for a streamed get it costs reading the object back once). */
  readonly skipSha256?: boolean;
};

/** Add the `--s3-*` flags (used only with `-o s3://…`). */
export function addS3Options(command: Command): Command {
  return command
    .option('--s3-endpoint-url <url>', 'S3 endpoint for -o s3:// (default AWS_ENDPOINT_URL_S3); path-style')
    .option('--s3-region <region>', 'region of the -o s3:// bucket (default: the SDK chain)')
    .option('--s3-storage-class <class>', 'storage class of the object, e.g. STANDARD_IA, GLACIER_IR')
    .addOption(new Option('--s3-sse <mode>', 'server-side encryption of the object').choices(S3_SSE_MODES))
    .option('--s3-kms-key-id <id>', 'KMS key for --s3-sse aws:kms')
    .option('--s3-acl <acl>', 'canned ACL of the object, e.g. bucket-owner-full-control')
    .option('--no-s3-sha256', "skip the object's SHA-256 metadata (a streamed get reads the object back for it)");
}

/** Read the flags added by addS3Options; the endpoint falls back to AWS_ENDPOINT_URL_S3. */
export function readS3Options(values: OptionValues, io: CliIo): S3Options {
  const endpointUrl = stringOption(values, 's3EndpointUrl') ?? io.env['AWS_ENDPOINT_URL_S3'];
  const region = stringOption(values, 's3Region');
  const storageClass = stringOption(values, 's3StorageClass');
  const sse =
    stringOption(values, 's3Sse') === undefined ? undefined : choiceOption(values, 's3Sse', S3_SSE_MODES, 'AES256');
  const kmsKeyId = stringOption(values, 's3KmsKeyId');
  // S3 refuses a KMS key id without aws:kms encryption (HTTP 400, after the download): say so before it.
  if (kmsKeyId !== undefined && sse !== 'aws:kms')
    throw new UsageError('E_USAGE', '--s3-kms-key-id needs --s3-sse aws:kms', {
      hint: 'Add --s3-sse aws:kms (the key encrypts the object with SSE-KMS), or drop --s3-kms-key-id',
    });
  const acl = stringOption(values, 's3Acl');
  const skipSha256 = values['s3Sha256'] === false;
  return {
    ...(endpointUrl === undefined || endpointUrl === '' ? {} : { endpointUrl }),
    ...(region === undefined ? {} : { region }),
    ...(storageClass === undefined ? {} : { storageClass }),
    ...(sse === undefined ? {} : { sse }),
    ...(kmsKeyId === undefined ? {} : { kmsKeyId }),
    ...(acl === undefined ? {} : { acl }),
    ...(skipSha256 ? { skipSha256 } : {}),
  };
}

/**
 * Refuses `--format fragmented` for an `s3://` output before any request (UsageError E_USAGE): an object streams
 * through the progressive writer's sink (docs/s3.md), and there is no fragmented S3 writer. `local` names the way out.
 */
export function refuseFragmentedObject(output: string | undefined, format: string, local: string): void {
  if (output?.startsWith('s3://') !== true || format !== 'fragmented') return;
  throw new UsageError('E_USAGE', '--format fragmented cannot write to S3; the object is a progressive MP4', {
    hint: `Drop --format (progressive, faststart), or ${local} with --format fragmented`,
  });
}

/** The --s3-* flags, as commander names their values, and how the user typed them. */
const S3_FLAGS: readonly (readonly [string, string])[] = [
  ['s3EndpointUrl', '--s3-endpoint-url'],
  ['s3Region', '--s3-region'],
  ['s3StorageClass', '--s3-storage-class'],
  ['s3Sse', '--s3-sse'],
  ['s3KmsKeyId', '--s3-kms-key-id'],
  ['s3Acl', '--s3-acl'],
  ['s3Sha256', '--no-s3-sha256'],
];

/**
 * Refuses an --s3-* flag given with a local output (UsageError E_USAGE): it would do nothing, and a user who typed
 * `--s3-storage-class GLACIER -o clip.mp4` meant an object. A flag that would do nothing is refused, not ignored.
 */
export function refuseS3FlagsWithoutS3(command: Command, output: string | undefined): void {
  if (output?.startsWith('s3://') === true) return;
  const given = S3_FLAGS.find(([name]) => command.getOptionValueSource(name) === 'cli');
  if (given === undefined) return;
  throw new UsageError('E_USAGE', `${given[1]} only applies to -o s3://… outputs`, {
    hint: `Write to S3 with -o s3://BUCKET/KEY, or drop ${given[1]}`,
  });
}
