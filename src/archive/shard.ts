// `--shard K/N` and `--shard auto`: which streams this process archives (docs/archive.md). Pure.
import { UsageError } from '../errors/usage-error.js';

/** Shard `index` (0-based, like JOB_COMPLETION_INDEX and AWS_BATCH_JOB_ARRAY_INDEX) of `count`. */
export type Shard = { readonly index: number; readonly count: number };

/** The scheduler variables `--shard auto` reads; when both are set they must agree (docs/archive.md). */
export const SHARD_INDEX_VARIABLES = ['JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX'] as const;

/**
 * Resolves `--shard` (`K/N`, 0-based K, or `auto`) and `--shards N` into a shard, or undefined for "all streams".
 * `auto` takes K from the scheduler's environment (passed in as `env`) and N from `--shards`.
 */
export function resolveShard(
  shard: string | undefined,
  shards: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Shard | undefined {
  if (shard === undefined) {
    if (shards !== undefined) throw new UsageError('E_USAGE', '--shards needs --shard auto');
    return undefined;
  }
  if (shard !== 'auto') {
    if (shards !== undefined) throw new UsageError('E_USAGE', '--shards goes with --shard auto, not --shard K/N');
    const match = /^(\d+)\/(\d+)$/.exec(shard.trim());
    if (match === null) {
      throw new UsageError('E_USAGE', `Could not parse --shard "${shard}": expected K/N (e.g. 0/3) or auto`);
    }
    return checked(Number(match[1]), Number(match[2]), `--shard ${shard}`);
  }
  if (shards === undefined || !/^\d+$/.test(shards)) {
    throw new UsageError('E_USAGE', `--shard auto needs --shards N (received ${shards ?? 'none'})`);
  }
  const set = SHARD_INDEX_VARIABLES.filter((name) => (env[name] ?? '') !== '');
  const variable = set[0];
  if (variable === undefined) {
    throw new UsageError('E_USAGE', `--shard auto: neither ${SHARD_INDEX_VARIABLES.join(' nor ')} is set`, {
      hint: 'run as a Kubernetes Indexed Job or an AWS Batch array job, or pass --shard K/N',
    });
  }
  const value = env[variable] ?? '';
  const other = set[1];
  if (other !== undefined && env[other] !== value) {
    // Two schedulers' indices that disagree: which one is meant cannot be known, and guessing could archive a shard
    // twice and another never.
    throw new UsageError(
      'E_USAGE',
      `--shard auto: ${variable}="${value}" and ${other}="${env[other] ?? ''}" are both set and differ`,
      { hint: 'pass --shard K/N explicitly (0-based), or unset the variable that does not belong to this job' },
    );
  }
  if (!/^\d+$/.test(value)) throw new UsageError('E_USAGE', `--shard auto: ${variable}="${value}" is not an index`);
  return checked(Number(value), Number(shards), `${variable}=${value} with --shards ${shards}`);
}

function checked(index: number, count: number, source: string): Shard {
  if (count < 1 || index >= count) {
    throw new UsageError('E_USAGE', `${source}: shard index must be 0..N-1 with N ≥ 1 (0-based)`);
  }
  return { index, count };
}

/**
 * Rendezvous (highest-random-weight) hashing: the shard whose hash with the stream name is highest owns the
 * stream. Going from N to N+1 shards moves only the streams the new shard wins (about 1/(N+1) of them).
 */
export function shardOf(streamName: string, count: number): number {
  let best = 0;
  let bestScore = -1;
  for (let index = 0; index < count; index += 1) {
    const score = hash53(`${index}\u0000${streamName}`);
    if (score > bestScore) {
      best = index;
      bestScore = score;
    }
  }
  return best;
}

/** The streams of `names` that belong to `shard` (all of them when there is no shard). */
export function streamsOfShard(names: readonly string[], shard: Shard | undefined): string[] {
  if (shard === undefined) return [...names];
  return names.filter((name) => shardOf(name, shard.count) === shard.index);
}

// A 53-bit string hash (two multiplicative 32-bit lanes, mixed at the end): stable across runs, hosts and Node
// versions, which is all rendezvous hashing needs; not cryptographic.
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
