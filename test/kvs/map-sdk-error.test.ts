import {
  ClientLimitExceededException as ControlLimitExceeded,
  ResourceNotFoundException as ControlNotFound,
} from '@aws-sdk/client-kinesis-video';
import {
  ClientLimitExceededException,
  InvalidArgumentException,
  InvalidCodecPrivateDataException,
  KinesisVideoArchivedMediaServiceException,
  MissingCodecPrivateDataException,
  NoDataRetentionException,
  NotAuthorizedException,
  ResourceNotFoundException,
  UnsupportedStreamMediaTypeException,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../src/errors/remote-error.js';
import { classifyForRetry } from '../../src/kvs/classify-for-retry.js';
import { mapSdkError } from '../../src/kvs/map-sdk-error.js';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode, requestId: 'r1' } });

function nodeError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

function serviceError(name: string, httpStatusCode: number): KinesisVideoArchivedMediaServiceException {
  return new KinesisVideoArchivedMediaServiceException({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    message: name,
    ...meta(httpStatusCode),
  });
}

describe('mapSdkError', () => {
  it('maps ResourceNotFound to an unknown stream on the control plane but to "no media" on the data plane', () => {
    const control = mapSdkError(
      new ControlNotFound({ message: 'The requested stream is not found or not active.', ...meta(404) }),
      { op: 'DescribeStream', stream: 'cam1' },
    );
    expect(control).toMatchObject({ code: 'E_STREAM_NOT_FOUND', exitCode: 3 });
    expect(control.message).toContain('cam1');
    const data = mapSdkError(
      new ResourceNotFoundException({
        message: 'No fragments found in the stream for the clip request.',
        ...meta(404),
      }),
      { op: 'GetClip', stream: 'cam1' },
    );
    expect(data).toMatchObject({ code: 'E_NO_MEDIA', exitCode: 3 });
  });

  it('maps NotAuthorized, expired tokens, bad signatures, missing credentials and bare 403s to E_AUTH', () => {
    const errors = [
      new NotAuthorizedException({ message: 'denied', ...meta(401) }),
      serviceError('ExpiredTokenException', 400),
      serviceError('InvalidSignatureException', 400),
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      serviceError('Unknown', 403),
    ];
    for (const error of errors)
      expect(mapSdkError(error, { op: 'GetClip', stream: 's' })).toMatchObject({ code: 'E_AUTH', exitCode: 4 });
  });

  it('says plainly that an unrecognised access key is not known, and names the local emulator key', () => {
    const mapped = mapSdkError(serviceError('UnrecognizedClientException', 403), { op: 'ListStreams' });
    expect(mapped).toMatchObject({ code: 'E_AUTH', exitCode: 4 });
    expect(mapped.hint).toMatch(/does not recognise this access key/);
    expect(mapped.hint).toContain('AWS_ACCESS_KEY_ID=AKIDKVSCLIPLOCAL');
    expect(mapped.hint).not.toMatch(/IAM policy/);
  });

  it('never puts a signature or access key from a service message into the error', () => {
    const error = new InvalidArgumentException({
      message:
        "The String-to-Sign should have been 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250614 Signature=abcdef0123'",
      ...meta(400),
    });
    const mapped = mapSdkError(error, { op: 'GetClip', stream: 's' });
    expect(mapped.message).not.toMatch(/AKIAIOSFODNN7EXAMPLE|abcdef0123/);
    expect(`${mapped.message} ${mapped.hint ?? ''}`).not.toMatch(/AKIA/);
  });

  it('maps throttling to E_THROTTLED and 5xx, resets and refused connections to E_REMOTE', () => {
    expect(
      mapSdkError(new ClientLimitExceededException({ message: 'slow down', ...meta(400) }), { op: 'GetClip' }),
    ).toMatchObject({ code: 'E_THROTTLED', exitCode: 5 });
    expect(
      mapSdkError(new ControlLimitExceeded({ message: 'slow down', ...meta(400) }), { op: 'GetDataEndpoint' }),
    ).toMatchObject({ code: 'E_THROTTLED' });
    expect(mapSdkError(serviceError('InternalFailure', 500), { op: 'GetClip' })).toMatchObject({ code: 'E_REMOTE' });
    expect(mapSdkError(nodeError('ECONNRESET', 'aborted'), { op: 'GetClip' })).toMatchObject({ code: 'E_REMOTE' });
    expect(mapSdkError(nodeError('ECONNREFUSED'), { op: 'ListFragments' })).toMatchObject({ code: 'E_REMOTE' });
  });

  it('maps codec exceptions to a media error that blames the producer', () => {
    for (const error of [
      new UnsupportedStreamMediaTypeException({ message: 'x', ...meta(400) }),
      new MissingCodecPrivateDataException({ message: 'x', ...meta(400) }),
      serviceError('InvalidMediaFrameException', 400),
    ]) {
      const mapped = mapSdkError(error, { op: 'GetClip', stream: 's' });
      expect(mapped).toMatchObject({ code: 'E_MEDIA_UNSUPPORTED', exitCode: 6 });
      expect(mapped.hint).toMatch(/producer/);
    }
  });

  it('maps InvalidCodecPrivateData (what a codec change inside one GetClip gets) to E_CODEC_CHANGE, exit 6', () => {
    const mapped = mapSdkError(new InvalidCodecPrivateDataException({ message: 'x', ...meta(400) }), {
      op: 'GetClip',
      stream: 's',
    });
    expect(mapped).toMatchObject({ code: 'E_CODEC_CHANGE', exitCode: 6 });
    expect(mapped.message).toMatch(/codec configuration change inside the range/);
    expect(mapped.hint).toMatch(/does not span the change/);
  });

  it('maps NoDataRetention to E_NO_MEDIA with a hint about retention', () => {
    const mapped = mapSdkError(new NoDataRetentionException({ message: 'x', ...meta(400) }), {
      op: 'GetClip',
      stream: 's',
    });
    expect(mapped).toMatchObject({ code: 'E_NO_MEDIA' });
    expect(mapped.hint).toMatch(/retention/i);
  });

  it('maps InvalidArgument to a usage error that says what the service rejected', () => {
    const mapped = mapSdkError(
      new InvalidArgumentException({ message: 'StartTimestamp must be before EndTimestamp.', ...meta(400) }),
      { op: 'ListFragments', stream: 's' },
    );
    expect(mapped).toMatchObject({ code: 'E_USAGE', exitCode: 2 });
    expect(mapped.message).toContain('StartTimestamp must be before EndTimestamp');
  });

  it('maps a range ending before the retention to E_NO_MEDIA (exit 3), as for any range without media', () => {
    const mapped = mapSdkError(
      new InvalidArgumentException({
        message: 'End timestamp 1725465732000 is outside of the stream retention period.',
        ...meta(400),
      }),
      { op: 'ListFragments', stream: 's' },
    );
    expect(mapped).toMatchObject({ code: 'E_NO_MEDIA', exitCode: 3 });
    expect(mapped.hint).toContain('kvs-clip list s --since 24h');
  });

  it('maps a disk-full write to an output error and leaves typed errors untouched', () => {
    expect(mapSdkError(nodeError('ENOSPC'), { op: 'GetClip' })).toMatchObject({ code: 'E_OUTPUT_WRITE', exitCode: 7 });
    const typed = new RemoteError('E_REMOTE', 'x');
    expect(mapSdkError(typed, { op: 'GetClip' })).toBe(typed);
  });

  it('reports a programming error as internal', () => {
    expect(mapSdkError(new TypeError('x is not a function'), { op: 'GetClip' })).toMatchObject({
      code: 'E_INTERNAL',
      exitCode: 1,
    });
  });
});

describe('classifyForRetry', () => {
  it.each([
    ['ClientLimitExceeded (HTTP 400)', new ClientLimitExceededException({ message: 'x', ...meta(400) }), 'throttle'],
    ['an unknown 429', serviceError('Whatever', 429), 'throttle'],
    ['InternalFailure 500', serviceError('InternalFailure', 500), 'transient'],
    ['a 503', serviceError('Unknown', 503), 'transient'],
    ['ECONNRESET', nodeError('ECONNRESET', 'socket hang up'), 'connection'],
    ['ETIMEDOUT', nodeError('ETIMEDOUT'), 'connection'],
    ['ECONNREFUSED', nodeError('ECONNREFUSED'), 'endpoint'],
    ['ENOTFOUND', nodeError('ENOTFOUND'), 'endpoint'],
    [
      'ECONNREFUSED on 127.0.0.1',
      Object.assign(nodeError('ECONNREFUSED'), { address: '127.0.0.1' }),
      'refused-loopback',
    ],
    ['ECONNREFUSED on ::1', Object.assign(nodeError('ECONNREFUSED'), { address: '::1' }), 'refused-loopback'],
    ['ECONNREFUSED on 10.0.0.1', Object.assign(nodeError('ECONNREFUSED'), { address: '10.0.0.1' }), 'endpoint'],
    ['InvalidArgument', new InvalidArgumentException({ message: 'x', ...meta(400) }), 'fatal'],
    ['NotAuthorized', new NotAuthorizedException({ message: 'x', ...meta(401) }), 'fatal'],
    ['ResourceNotFound', new ResourceNotFoundException({ message: 'x', ...meta(404) }), 'fatal'],
    ['a codec exception', new InvalidCodecPrivateDataException({ message: 'x', ...meta(400) }), 'fatal'],
    ['ENOSPC', nodeError('ENOSPC'), 'fatal'],
    ['an unknown 400', serviceError('WeirdException', 400), 'fatal'],
  ])('classifies %s as %s, raw or mapped', (_label, error, expected) => {
    expect(classifyForRetry(error)).toBe(expected);
    expect(classifyForRetry(mapSdkError(error, { op: 'GetClip', stream: 's' }))).toBe(expected);
  });
});
