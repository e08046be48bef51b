import { KvsClipError, type KvsClipErrorOptions } from './kvs-clip-error.js';

/**
 * Codec/CPD problems (a producer problem), malformed MP4, a codec change GetClip rejects that cannot be split around
 * (`E_CODEC_CHANGE`), or clips that cannot be joined (`E_JOIN_MISMATCH`) (exit 6). docs/planning.md, "Truncation and
 * codec changes", says which is which.
 */
export class MediaError extends KvsClipError {
  constructor(
    code: 'E_MEDIA_UNSUPPORTED' | 'E_MP4_PARSE' | 'E_CODEC_CHANGE' | 'E_JOIN_MISMATCH',
    message: string,
    options: KvsClipErrorOptions = {},
  ) {
    super(code, message, options);
  }
}
