import { KvsClipError, type KvsClipErrorOptions } from './kvs-clip-error.js';

/** Codec/CPD problems (a producer problem), malformed MP4, or parts that cannot be joined (exit 6). */
export class MediaError extends KvsClipError {
  constructor(
    code: 'E_MEDIA_UNSUPPORTED' | 'E_MP4_PARSE' | 'E_JOIN_MISMATCH',
    message: string,
    options: KvsClipErrorOptions = {},
  ) {
    super(code, message, options);
  }
}
