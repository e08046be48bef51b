import type * as S3 from '@aws-sdk/client-s3';
import { createRequire } from 'node:module';

// Required on first use, like the KVS clients (src/kvs/load-sdk.ts): commands that never write to S3 never load it.
const require = createRequire(import.meta.url);

/** The S3 SDK module (`S3Client`, `UploadPartCommand`, …), loaded on first use. Use for values; types via `import type`. */
export function s3Sdk(): typeof S3 {
  return require('@aws-sdk/client-s3') as typeof S3;
}
