// The "limit" for figure 1 and the load generator for figure 6: signed GetClip POSTs over one keep-alive
// connection, bodies counted and discarded.
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import http from 'node:http';
import { signedHeaders } from './sigv4.mjs';

/**
 * Sends each GetClip request body (parsed JSON objects, e.g. from the emulator's request log) in turn to
 * `${url}/getClip` and discards the reply, or with `toFile` appends every body to that file and fsyncs it at the
 * end (the disk floor); `minIntervalMs` spaces call starts. Returns { bytes, calls, wallMs }. Throws on any non-200 reply.
 */
export async function fetchClipsRaw({ url, bodies, credentials, region, toFile, minIntervalMs = 0 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // GetClip is served at the stream's data endpoint only (as on AWS): one GetDataEndpoint first, outside the timing.
  const dataUrl = await dataEndpointOf({ url, body: bodies[0] ?? {}, credentials, region, agent });
  const started = performance.now();
  const file = toFile === undefined ? undefined : createWriteStream(toFile, { highWaterMark: 1 << 20 });
  let bytes = 0;
  try {
    let lastStart = -Infinity;
    for (const body of bodies) {
      // With minIntervalMs, calls start at least that far apart (the AWS 1 GetClip/s quota), as a paced client must.
      const wait = lastStart + minIntervalMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      lastStart = performance.now();
      bytes += await fetchOne({
        url: `${dataUrl.replace(/\/$/, '')}/getClip`,
        body: JSON.stringify(body),
        credentials,
        region,
        agent,
        file,
      });
    }
    if (file !== undefined) {
      await new Promise((resolve, reject) => file.end((error) => (error ? reject(error) : resolve())));
      const handle = await open(toFile, 'r+');
      await handle.datasync();
      await handle.close();
    }
  } finally {
    agent.destroy();
    file?.destroy();
  }
  return { bytes, calls: bodies.length, wallMs: performance.now() - started };
}

function fetchOne({ url, body, credentials, region, agent, file }) {
  const headers = signedHeaders({ url, body, region, service: 'kinesisvideo', credentials });
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent },
      (response) => {
        let count = 0;
        const chunks = [];
        response.on('data', (chunk) => {
          count += chunk.length;
          if (file !== undefined && response.statusCode === 200 && !file.write(chunk)) {
            response.pause();
            file.once('drain', () => response.resume());
          }
          if (response.statusCode !== 200 && chunks.length < 4) chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
          if (response.statusCode === 200) resolve(count);
          else
            reject(
              new Error(
                `raw GetClip ${body} -> ${response.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`,
              ),
            );
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The DataEndpoint GetDataEndpoint returns for the stream of a GetClip request body. */
function dataEndpointOf({ url, body, credentials, region, agent }) {
  const request = JSON.stringify({
    APIName: 'GET_CLIP',
    ...(body.StreamARN === undefined ? { StreamName: body.StreamName } : { StreamARN: body.StreamARN }),
  });
  const endpoint = `${url.replace(/\/$/, '')}/getDataEndpoint`;
  const headers = signedHeaders({ url: endpoint, body: request, region, service: 'kinesisvideo', credentials });
  return new Promise((resolve, reject) => {
    const call = http.request(
      endpoint,
      { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(request) }, agent },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) reject(new Error(`raw GetDataEndpoint -> ${response.statusCode} ${text}`));
          else resolve(JSON.parse(text).DataEndpoint);
        });
      },
    );
    call.on('error', reject);
    call.end(request);
  });
}
