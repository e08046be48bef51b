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
        url: `${url.replace(/\/$/, '')}/getClip`,
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
