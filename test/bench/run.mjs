// kvs-clip benchmark harness (issue 7): `npm run bench [-- --quick] [-- --only wire,join]`.
// Plain ESM JS, not part of `npm test`. Every figure runs its subject and its reference side by side in this one
// run and reports a ratio, because these machines are noisy. Writes bench-results/latest.{md,json}.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT, HAS_GNU_TIME, killAll, snapshotApp } from './lib/proc.mjs';
import { remove } from './lib/context.mjs';
import { renderTable } from './lib/table.mjs';
import { wire } from './figures/wire.mjs';
import { awsCli } from './figures/aws-cli.mjs';
import { memory } from './figures/memory.mjs';
import { concurrency } from './figures/concurrency.mjs';
import { joinAlone } from './figures/join-alone.mjs';
import { emulatorServe } from './figures/emulator-serve.mjs';
import { imagesMemory } from './figures/images-memory.mjs';
import { s3 } from './figures/s3.mjs';
import { archive } from './figures/archive.mjs';

const FIGURES = {
  wire,
  aws: awsCli,
  memory,
  concurrency,
  join: joinAlone,
  emulator: emulatorServe,
  images: imagesMemory,
  s3,
  archive,
};

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyAt = argv.indexOf('--only');
const repsAt = argv.indexOf('--reps');
const reps = repsAt >= 0 ? Math.max(1, Number(argv[repsAt + 1]) || 1) : quick ? 1 : 2;
const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? '').split(',').filter(Boolean) : Object.keys(FIGURES);
if (argv.includes('--help')) {
  process.stdout.write(`usage: npm run bench -- [--quick] [--reps N] [--only ${Object.keys(FIGURES).join(',')}]\n`);
  process.exit(0);
}
for (const name of only) {
  if (!(name in FIGURES)) {
    process.stderr.write(`unknown figure "${name}"; choose from ${Object.keys(FIGURES).join(', ')}\n`);
    process.exit(2);
  }
}

const tmp = mkdtempSync(join(process.env.KVS_CLIP_BENCH_TMP ?? tmpdir(), 'kvs-clip-bench-'));
// Others rebuild dist/ in this shared tree: run a private copy of the CLI built just before.
snapshotApp(join(tmp, 'app'));
const startedAt = new Date();
const notes = [];
const rows = [];
const ctx = {
  tmp,
  quick,
  reps,
  // A fixed stream end two minutes ago, on a whole minute: every figure's windows are absolute and reproducible.
  endMs: Math.floor((Date.now() - 2 * 60_000) / 60_000) * 60_000,
  log: (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`),
  note: (text) => notes.push(text),
};

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted = true;
    ctx.log(`${signal}: stopping children and removing ${tmp}`);
    void killAll().finally(() => {
      remove(tmp);
      process.exit(130);
    });
  });
}

try {
  for (const name of only) {
    if (interrupted) break;
    const started = performance.now();
    try {
      rows.push(...(await FIGURES[name](ctx)));
    } catch (error) {
      ctx.log(`${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
      rows.push({
        figure: `${name}: ERROR`,
        kvs: '',
        reference: '',
        ratio: '',
        target: '',
        pass: false,
        note: String(error instanceof Error ? error.message : error)
          .split('\n')[0]
          .slice(0, 200),
      });
    } finally {
      await killAll();
      ctx.log(`${name} done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
} finally {
  await killAll();
  remove(tmp);
}

const machine = describeMachine();
const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
const table = renderTable(rows);
const markdown = [
  `# kvs-clip benchmark, ${startedAt.toISOString()}`,
  '',
  `Command: \`${command}\``,
  `Tree: commit ${machine.commit} (dist/ as built by this run, snapshotted)`,
  `Machine: ${machine.nproc} cores (${machine.cpu}), ${machine.ramGb} GB RAM, node ${machine.node}, load average at start ${machine.load}`,
  `Peak RSS: ${HAS_GNU_TIME ? '/usr/bin/time %M (max RSS of the child)' : 'VmHWM of the child sampled every 50 ms'}`,
  '',
  table,
  '',
  ...notes.map((n) => `- ${n}`),
  '',
].join('\n');
process.stdout.write(`${markdown}\n`);
const out = join(ROOT, 'bench-results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'latest.md'), markdown);
writeFileSync(
  join(out, 'latest.json'),
  `${JSON.stringify({ startedAt: startedAt.toISOString(), command, machine, rows, notes }, null, 2)}\n`,
);
process.exitCode = rows.some((r) => r.pass === false) ? 1 : 0;

function describeMachine() {
  let load = '?';
  try {
    load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    // not Linux
  }
  let cpu = cpus()[0]?.model ?? 'unknown CPU';
  try {
    cpu =
      execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], { encoding: 'utf8' }).trim() ||
      cpu;
  } catch {
    // keep os.cpus()
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return { nproc: cpus().length, cpu, ramGb: (totalmem() / 2 ** 30).toFixed(1), node: process.version, load, commit };
}
