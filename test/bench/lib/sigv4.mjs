// A minimal AWS Signature Version 4 signer for the raw reference client: it signs exactly what the bench sends
// (one JSON POST, no query) so that the raw client pays the same auth round as kvs-clip against the same emulator.
import { createHash, createHmac } from 'node:crypto';

const hex = (data) => createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * Returns the headers (host, content-type, x-amz-date, x-amz-content-sha256, authorization) for a POST of `body`
 * to `url`, signed for `service` in `region` with static `credentials` at `nowMs`.
 */
export function signedHeaders({ url, body, region, service, credentials, nowMs = Date.now() }) {
  const target = new URL(url);
  const amzDate = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers = {
    'content-type': 'application/json',
    host: target.host,
    'x-amz-content-sha256': hex(body),
    'x-amz-date': amzDate,
  };
  const names = Object.keys(headers).sort();
  const canonicalPath = target.pathname
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  const canonical = [
    'POST',
    canonicalPath,
    '',
    names.map((n) => `${n}:${headers[n]}\n`).join(''),
    names.join(';'),
    headers['x-amz-content-sha256'],
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(canonical)].join('\n');
  let key = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}
