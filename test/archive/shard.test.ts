import { describe, expect, it } from 'vitest';
import { resolveShard, shardOf, streamsOfShard } from '../../src/archive/shard.js';
import { UsageError } from '../../src/errors/usage-error.js';

const fleet = Array.from({ length: 600 }, (_, i) => `cam${i + 1}`);

describe('resolveShard', () => {
  it('reads K/N as a 0-based index, and no --shard as all streams', () => {
    expect(resolveShard('2/3', undefined, {})).toEqual({ index: 2, count: 3 });
    expect(resolveShard(undefined, undefined, {})).toBeUndefined();
  });

  it.each(['3/3', '1/0', 'a/3', '1-3', '-1/3'])('rejects --shard %j with a usage error', (text) => {
    expect(() => resolveShard(text, undefined, {})).toThrow(UsageError);
  });

  it('takes the index from a Kubernetes Indexed Job', () => {
    expect(resolveShard('auto', '4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
  });

  it('takes the index from an AWS Batch array job', () => {
    expect(resolveShard('auto', '4', { AWS_BATCH_JOB_ARRAY_INDEX: '1' })).toEqual({ index: 1, count: 4 });
  });

  it('refuses auto when JOB_COMPLETION_INDEX and AWS_BATCH_JOB_ARRAY_INDEX are both set and differ', () => {
    const both = { JOB_COMPLETION_INDEX: '2', AWS_BATCH_JOB_ARRAY_INDEX: '0' };
    expect(() => resolveShard('auto', '4', both)).toThrow(
      '--shard auto: JOB_COMPLETION_INDEX="2" and AWS_BATCH_JOB_ARRAY_INDEX="0" are both set and differ',
    );
  });

  it('takes the index when both scheduler variables are set and agree', () => {
    const both = { JOB_COMPLETION_INDEX: '2', AWS_BATCH_JOB_ARRAY_INDEX: '2' };
    expect(resolveShard('auto', '4', both)).toEqual({ index: 2, count: 4 });
  });

  it('fails clearly when auto finds no scheduler index, a bad index or no --shards', () => {
    expect(() => resolveShard('auto', '4', {})).toThrow('neither JOB_COMPLETION_INDEX nor AWS_BATCH_JOB_ARRAY_INDEX');
    expect(() => resolveShard('auto', '4', { JOB_COMPLETION_INDEX: '4' })).toThrow(UsageError);
    expect(() => resolveShard('auto', '4', { JOB_COMPLETION_INDEX: 'x' })).toThrow('is not an index');
    expect(() => resolveShard('auto', undefined, { JOB_COMPLETION_INDEX: '0' })).toThrow('needs --shards');
    expect(() => resolveShard('1/3', '3', {})).toThrow(UsageError);
    expect(() => resolveShard(undefined, '3', {})).toThrow(UsageError);
  });
});

describe('rendezvous sharding', () => {
  it('puts every stream in exactly one of N shards', () => {
    const shards = [0, 1, 2].map((index) => streamsOfShard(fleet, { index, count: 3 }));
    expect(shards.flat().sort()).toEqual([...fleet].sort());
    for (const shard of shards) expect(shard.length).toBeGreaterThan(150);
  });

  it('moves only the streams the new shard wins when a shard is added', () => {
    const moved = fleet.filter((name) => shardOf(name, 3) !== shardOf(name, 4));
    expect(moved.every((name) => shardOf(name, 4) === 3)).toBe(true);
    expect(moved.length).toBeGreaterThan(100);
    expect(moved.length).toBeLessThan(200);
  });

  it('gives the same answer on every call (stable across processes)', () => {
    expect(fleet.map((name) => shardOf(name, 5))).toEqual(fleet.map((name) => shardOf(name, 5)));
    expect(shardOf('cam1', 1)).toBe(0);
  });
});
