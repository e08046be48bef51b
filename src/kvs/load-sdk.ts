import type * as KinesisVideo from '@aws-sdk/client-kinesis-video';
import type * as ArchivedMedia from '@aws-sdk/client-kinesis-video-archived-media';
import { createRequire } from 'node:module';

// The SDK clients are CommonJS bundles that pull in ~30 more (@smithy/core, @aws-sdk/core, the credential chain).
// Loaded with `import`, Node 20 runs every one of them through its ESM loader and export lexer: measured at ≈2× the
// CPU of a plain require (≈260 vs ≈130 ms for both clients). Requiring them also defers the cost to the first
// client a command actually creates, so --help, usage errors, `join` and `inspect` never pay it.
const require = createRequire(import.meta.url);

/**
 * The control-plane SDK module (`KinesisVideoClient`, `DescribeStreamCommand`, …), loaded on first use.
 * Use for values only; types come from `import type`. Throws only if the package is missing from node_modules.
 */
export function kinesisVideoSdk(): typeof KinesisVideo {
  return require('@aws-sdk/client-kinesis-video') as typeof KinesisVideo;
}

/** The archived-media SDK module (`KinesisVideoArchivedMediaClient`, `GetClipCommand`, …), as kinesisVideoSdk. */
export function archivedMediaSdk(): typeof ArchivedMedia {
  return require('@aws-sdk/client-kinesis-video-archived-media') as typeof ArchivedMedia;
}
