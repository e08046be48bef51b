import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built module (`npm run build` first), run in a child: V8's flags belong to the whole process.
const MODULE = fileURLToPath(new URL('../../dist/runtime/young-generation.js', import.meta.url));
const HEADROOM = fileURLToPath(new URL('../../dist/runtime/heap-headroom.js', import.meta.url));

/**
 * A workload whose survivors add up, as a long run's do: 3 M short-lived objects, every 200 000th batch partly kept.
 * Prints the young generation's size afterwards, in bytes.
 */
function youngGenerationAfterWork(keepSmall: boolean, setup = ''): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    ${keepSmall ? `(await import(${JSON.stringify(MODULE)})).keepYoungGenerationSmall();` : ''}
    ${setup}
    const kept = [];
    let batch = [];
    for (let i = 0; i < 3e6; i++) {
      batch.push({ i, list: [i] });
      if (batch.length > 200000) { kept.push(batch.slice(0, 1000)); batch = []; }
    }
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    process.stdout.write(String(young.space_size));
  `;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

describe('young generation of a paced get', () => {
  it('stays at its start-up size where the same survivors grow it eightfold or more by default', () => {
    const grown = youngGenerationAfterWork(false);
    const kept = youngGenerationAfterWork(true);
    expect(kept).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(grown).toBeGreaterThanOrEqual(8 * kept);
  });
});

describe('young generation of an unpaced get', () => {
  /** An unpaced get's collection, then one part of `bodyBytes` started. */
  const unpacedGetWithBody = (bodyBytes: number): string => `
    const headroom = await import(${JSON.stringify(HEADROOM)});
    headroom.collectForGet({ paced: false });
    headroom.keepHeapHeadroom(${bodyBytes});
  `;

  it('stays small for small bodies and grows as V8 would for a burst', () => {
    const small = youngGenerationAfterWork(false, unpacedGetWithBody(4_500_000));
    const burst = youngGenerationAfterWork(false, unpacedGetWithBody(95_000_000));
    expect(small).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(burst).toBeGreaterThanOrEqual(8 * small);
  });
});
