/**
 * The credentials the emulator accepts by default. They are public on purpose: the emulator binds 127.0.0.1 and
 * only needs *some* SigV4 keys so that the real SDKs, the AWS CLI and boto3 sign requests as they would for AWS.
 * Use them as `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (or SDK static credentials) when talking to a local
 * emulator.
 */
export const LOCAL_CREDENTIALS = {
  accessKeyId: 'AKIDKVSCLIPLOCAL',
  secretAccessKey: 'kvs-clip-local-secret',
} as const;

/** The region the emulator verifies signatures for unless told otherwise. */
export const LOCAL_REGION = 'us-east-1';

/** Static credentials as SigV4 needs them. */
export type EmulatorCredentials = { readonly accessKeyId: string; readonly secretAccessKey: string };
