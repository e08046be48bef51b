import { DescribeStreamCommand, ListStreamsCommand } from '@aws-sdk/client-kinesis-video';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { rejection, sdkClients } from './support/sdk-clients.js';

let offsetMs = 0;
let emu: RunningEmulator;
let strict: RunningEmulator;
let open: RunningEmulator;

beforeAll(async () => {
  const streams = [{ name: 'cam', source: { preset: 'h264' as const }, spanMs: 600_000 }];
  // The archive clock is pinned far in the past: signatures are still checked against the (shifted) wall clock.
  emu = await startEmulator({
    now: () => Date.UTC(2020, 0, 1),
    auth: { now: () => Date.now() + offsetMs },
    quotas: false,
    streams,
  });
  strict = await startEmulator({ auth: { strict: true }, quotas: false, streams });
  open = await startEmulator({ auth: false, quotas: false, streams });
});

afterAll(async () => {
  await Promise.all([emu.close(), strict.close(), open.close()]);
});

const foreignKey = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

async function post(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/describeStream`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ StreamName: 'cam' }),
  });
  return {
    status: response.status,
    type: response.headers.get('x-amzn-errortype'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('SigV4 verification', () => {
  it('accepts requests signed with LOCAL_CREDENTIALS', async () => {
    const out = await sdkClients(emu).control.send(new DescribeStreamCommand({ StreamName: 'cam' }));
    expect(out.StreamInfo?.StreamName).toBe('cam');
  });

  it('rejects a wrong secret with 403 InvalidSignatureException', async () => {
    const { control } = sdkClients(emu, { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: 'wrong' });
    const error = await rejection(control.send(new ListStreamsCommand({})));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toMatch(/^The request signature we calculated does not match/);
  });

  it('accepts any other access key by default (lenient), as LocalStack and moto do', async () => {
    const out = await sdkClients(emu, foreignKey).control.send(new DescribeStreamCommand({ StreamName: 'cam' }));
    expect(out.StreamInfo?.StreamName).toBe('cam');
    expect(emu.authMode).toBe('lenient');
  });

  it('still checks the scope of a foreign key: another service or region is 403 InvalidSignatureException', async () => {
    const date = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15) + 'Z';
    for (const scope of [`${date.slice(0, 8)}/eu-west-1/kinesisvideo`, `${date.slice(0, 8)}/us-east-1/s3`]) {
      const reply = await post(emu.url, {
        authorization: `AWS4-HMAC-SHA256 Credential=${foreignKey.accessKeyId}/${scope}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
        'x-amz-date': date,
      });
      expect([reply.status, reply.body['__type']]).toEqual([403, 'InvalidSignatureException']);
      expect(reply.body['Message']).toMatch(/^Credential should be scoped to a valid region and service/);
    }
  });

  it('rejects an unknown access key with 403 UnrecognizedClientException under strict auth', async () => {
    const error = await rejection(sdkClients(strict, foreignKey).control.send(new ListStreamsCommand({})));
    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toBe('The security token included in the request is invalid.');
    const own = await sdkClients(strict).control.send(new DescribeStreamCommand({ StreamName: 'cam' }));
    expect(own.StreamInfo?.StreamName).toBe('cam');
    expect(strict.authMode).toBe('strict');
  });

  it('rejects a signature more than 5 minutes old with 403 InvalidSignatureException "Signature expired"', async () => {
    offsetMs = 6 * 60_000;
    try {
      for (const credentials of [LOCAL_CREDENTIALS, foreignKey]) {
        const error = await rejection(sdkClients(emu, credentials).control.send(new ListStreamsCommand({})));
        expect(error.name).toBe('InvalidSignatureException');
        expect(error.$metadata?.httpStatusCode).toBe(403);
        expect(error.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z/);
      }
    } finally {
      offsetMs = 0;
    }
  });

  it('rejects a signature more than 5 minutes ahead with 403 "Signature not yet current"', async () => {
    offsetMs = -6 * 60_000;
    try {
      const error = await rejection(sdkClients(emu).control.send(new ListStreamsCommand({})));
      expect([error.name, error.$metadata?.httpStatusCode]).toEqual(['InvalidSignatureException', 403]);
      expect(error.message).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than/);
    } finally {
      offsetMs = 0;
    }
  });

  it('answers a missing Authorization header with 403 MissingAuthenticationTokenException', async () => {
    const reply = await post(emu.url, { 'content-type': 'application/json' });
    expect(reply).toMatchObject({
      status: 403,
      type: 'MissingAuthenticationTokenException:https://kinesisvideo.amazonaws.com/doc/2017-09-30/',
    });
    expect(reply.body['__type']).toBe('MissingAuthenticationTokenException');
  });

  it('answers a malformed Authorization header with 400 IncompleteSignatureException', async () => {
    const reply = await post(emu.url, {
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDKVSCLIPLOCAL/20260101/us-east-1/kinesisvideo/aws4_request',
      'x-amz-date': '20260101T000000Z',
    });
    expect(reply.status).toBe(400);
    expect(reply.body['__type']).toBe('IncompleteSignatureException');
  });

  it('accepts unsigned requests with any or no content type when auth is off', async () => {
    for (const headers of [{}, { 'content-type': 'application/x-amz-json-1.0' }]) {
      const reply = await post(open.url, headers);
      expect(reply.status).toBe(200);
      expect((reply.body['StreamInfo'] as { StreamName: string }).StreamName).toBe('cam');
    }
  });

  it('never writes the Authorization header or signature into the request log', () => {
    const text = JSON.stringify(emu.log.entries);
    expect(emu.log.entries.length).toBeGreaterThan(3);
    expect(text).not.toMatch(/Signature=|AWS4-HMAC-SHA256|kvs-clip-local-secret/);
  });
});
