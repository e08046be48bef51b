import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/usage-error.js';
import { formatS3Uri, isS3Uri, parseS3Uri, renderS3Key } from '../../src/s3/s3-uri.js';

const fields = { stream: 'cam1', startMs: Date.UTC(2025, 5, 14, 13, 0, 0), endMs: Date.UTC(2025, 5, 14, 14, 0, 0) };

describe('parseS3Uri', () => {
  it('splits bucket and key template', () => {
    expect(parseS3Uri('s3://bkt/{stream}/{start:%Y%m%dT%H%M%SZ}.mp4')).toEqual({
      bucket: 'bkt',
      keyTemplate: '{stream}/{start:%Y%m%dT%H%M%SZ}.mp4',
    });
    expect(isS3Uri('s3://bkt/a.mp4')).toBe(true);
    expect(isS3Uri('./s3:/bkt')).toBe(false);
  });

  it('rejects a bad bucket name, a missing key, a directory key and a bad template with a usage error', () => {
    for (const uri of [
      's3://Bad_Bucket/a.mp4',
      's3://bkt',
      's3://bkt/',
      's3://bkt/dir/',
      's3://bkt/{nope}.mp4',
      's3://bkt//a.mp4',
    ])
      expect(() => parseS3Uri(uri), uri).toThrow(UsageError);
  });

  it('rejects a "." or ".." segment in the key, and keeps dots inside names', () => {
    for (const uri of [
      's3://bkt/a/../b.mp4',
      's3://bkt/../b.mp4',
      's3://bkt/./b.mp4',
      's3://bkt/a/..',
      's3://bkt/{stream}/../x',
    ])
      expect(() => parseS3Uri(uri), uri).toThrow(/has a "\.\.?" segment/);
    for (const uri of ['s3://bkt/a..b.mp4', 's3://bkt/.hidden/x.mp4', 's3://bkt/v1.2/cam...mp4'])
      expect(parseS3Uri(uri).keyTemplate, uri).toBe(uri.slice('s3://bkt/'.length));
  });
});

describe('renderS3Key', () => {
  it('renders the key with the fields of local templates', () => {
    expect(renderS3Key(parseS3Uri('s3://bkt/{stream}/{start:%Y%m%dT%H%M%SZ}.mp4'), fields)).toBe(
      'cam1/20250614T130000Z.mp4',
    );
  });

  it('sanitises substituted values so a stream name cannot add key segments', () => {
    const key = renderS3Key(parseS3Uri('s3://bkt/archive/{stream}.mp4'), { ...fields, stream: '../../x/y' });
    expect(key).toBe('archive/___.._x_y.mp4');
  });

  it('refuses a key over 1,024 bytes', () => {
    expect(() => renderS3Key(parseS3Uri(`s3://bkt/${'a'.repeat(1020)}{stream}.mp4`), fields)).toThrow(/1,024/);
  });

  it('formats the URI back for messages and --exec', () => {
    expect(formatS3Uri('bkt', 'a/b.mp4')).toBe('s3://bkt/a/b.mp4');
  });
});
