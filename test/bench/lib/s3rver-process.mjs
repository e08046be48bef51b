// s3rver (the S3-compatible server of the S3 tests) as a separate process for the bench, on 127.0.0.1:0 with one
// bucket, storing into `directory`. Resolves { url, credentials, pid, stop() } once it listens.
import { spawn } from 'node:child_process';
import { ROOT } from './proc.mjs';

const SERVE = `
import S3rver from 's3rver';
const [directory, bucket] = process.argv.slice(1);
const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
const { port } = await server.run();
process.stdout.write(JSON.stringify({ url: 'http://127.0.0.1:' + port }) + '\\n');
`;

export async function startS3rverProcess({ directory, bucket }) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVE, directory, bucket], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const line = await new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`s3rver did not start within 30 s: ${stderr}`)), 30_000);
    child.stdout.on('data', (c) => {
      buffer += c;
      if (buffer.includes('\n')) {
        clearTimeout(timer);
        resolve(buffer.slice(0, buffer.indexOf('\n')));
      }
    });
    child.on('exit', (code) => reject(new Error(`s3rver exited ${code}: ${stderr}`)));
  });
  return {
    url: JSON.parse(line).url,
    pid: child.pid,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}
