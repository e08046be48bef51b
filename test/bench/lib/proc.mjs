// Child processes for the bench: timed runs with peak RSS, the emulator as a separate process, and a registry so
// that every child (and its process group) is ended on success, failure or Ctrl-C.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '');
/** The CLI every figure spawns; snapshotApp() points it at a private copy. */
export let CLI = join(ROOT, 'bin/kvs-clip.js');

/**
 * Copies the built CLI (dist/, bin/, package.json; node_modules and test/fixtures linked) into `dir` and uses that
 * copy from now on, so that a rebuild of the shared tree during a long run cannot break or change the subject.
 */
export function snapshotApp(dir) {
  mkdirSync(join(dir, 'test'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(ROOT, 'test/fixtures'), join(dir, 'test/fixtures'));
  CLI = join(dir, 'bin/kvs-clip.js');
  return CLI;
}
export const HAS_GNU_TIME = existsSync('/usr/bin/time');

const live = new Set();

/** Ends every child still running (SIGTERM to its process group, SIGKILL after a grace period). */
export async function killAll() {
  const pending = [...live];
  for (const child of pending) signalGroup(child, 'SIGTERM');
  const deadline = Date.now() + 3000;
  while ([...live].length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const child of live) signalGroup(child, 'SIGKILL');
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function track(child) {
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

/** Peak RSS (VmHWM) of a live process in kB, or undefined when /proc has no entry. */
export function vmHwmKb(pid) {
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds of a live process from /proc/PID/stat (clock ticks of 10 ms), or undefined. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Runs `cmd args` to completion in its own process group, under /usr/bin/time when installed (for its peak RSS;
 * otherwise VmHWM is sampled every 50 ms). Resolves { code, stdout, stderr, wallMs, maxRssKb, cpuS } (cpuS: user + system
 * seconds of the child, from /usr/bin/time; undefined without it); throws when the
 * command exits non-zero unless `allowFail`, or when it runs past `timeoutMs`.
 */
export function runTimed(
  cmd,
  args,
  { env = process.env, cwd = ROOT, timeoutMs = 30 * 60_000, allowFail = false, tmp, stdin } = {},
) {
  const timeFile = tmp === undefined ? undefined : join(tmp, `time-${process.hrtime.bigint()}.txt`);
  const useTime = HAS_GNU_TIME && timeFile !== undefined;
  const argv = useTime ? ['-f', '%M %U %S', '-o', timeFile, cmd, ...args] : args;
  const started = performance.now();
  const child = track(
    spawn(useTime ? '/usr/bin/time' : cmd, argv, {
      env,
      cwd,
      detached: true,
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    }),
  );
  if (stdin !== undefined) child.stdin.end(stdin);
  let sampled = 0;
  const sampler = useTime ? undefined : setInterval(() => (sampled = Math.max(sampled, vmHwmKb(child.pid) ?? 0)), 50);
  const out = [];
  const err = [];
  child.stdout.on('data', (c) => out.push(c));
  child.stderr.on('data', (c) => err.push(c));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup(child, 'SIGKILL');
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      let maxRssKb = sampled || undefined;
      let cpuS;
      if (useTime && existsSync(timeFile)) {
        const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
        const measured = /^(\d+) ([\d.]+) ([\d.]+)$/.exec(last);
        if (measured) {
          maxRssKb = Number(measured[1]);
          cpuS = Number(measured[2]) + Number(measured[3]);
        }
      }
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr, wallMs, maxRssKb, cpuS };
      if (timedOut) reject(new Error(`${cmd} ${args.join(' ')}: timed out after ${timeoutMs} ms`));
      else if (result.code !== 0 && !allowFail)
        reject(new Error(`${cmd} ${args.slice(0, 6).join(' ')}… exited ${result.code}: ${stderr.slice(-1500)}`));
      else resolve(result);
    });
  });
}

/** The environment kvs-clip, the AWS CLI and the raw client use against a local emulator. */
export function emulatorEnv(credentials) {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    NO_COLOR: '1',
  };
}

let emulatorCount = 0;

/**
 * Starts `kvs-clip emulator --port 0 --json` as a separate process with these stream specs, extra flags and an
 * optional config object (faults, quotas …) and a JSONL request log. Resolves once its JSON line is read:
 * { url, credentials, pid, logFile, requests(), vmHwmKb(), stop() }.
 */
export async function startEmulatorProcess({ streams, flags = [], config, tmp }) {
  emulatorCount += 1;
  const logFile = join(tmp, `emulator-${emulatorCount}.jsonl`);
  const args = [
    CLI,
    'emulator',
    '--port',
    '0',
    '--json',
    '--log-file',
    logFile,
    ...flags,
    ...streams.flatMap((s) => ['--stream', s]),
  ];
  if (config !== undefined) {
    const configFile = join(tmp, `emulator-${emulatorCount}.config.json`);
    writeFileSync(configFile, JSON.stringify(config));
    args.push('--config', configFile);
  }
  const child = track(spawn(process.execPath, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const line = await new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start within 60 s: ${stderr}`)), 60_000);
    child.stdout.on('data', (c) => {
      buffer += c;
      const nl = buffer.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buffer.slice(0, nl));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited ${code} before listening: ${stderr}`));
    });
  });
  const info = JSON.parse(line);
  let consumed = 0;
  return {
    url: info.url,
    credentials: info.credentials ?? { accessKeyId: 'AKIDKVSCLIPLOCAL', secretAccessKey: 'kvs-clip-local-secret' },
    pid: child.pid,
    logFile,
    /** Request-log entries since the previous call (the JSONL file is appended synchronously per request). */
    newRequests() {
      if (!existsSync(logFile)) return [];
      const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
      const fresh = lines.slice(consumed).map((l) => JSON.parse(l));
      consumed = lines.length;
      return fresh;
    },
    vmHwmKb: () => vmHwmKb(child.pid),
    /** User + system CPU seconds the emulator has used so far (undefined without /proc). */
    cpuS: () => cpuSeconds(child.pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
