import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built module (`npm run build` first), run in a child: V8's flags belong to the whole process.
const HEADROOM = fileURLToPath(new URL('../../dist/runtime/heap-headroom.js', import.meta.url));

/**
 * A get's collection, one part of `bodyBytes` started, then a workload whose garbage is promoted before it dies, as a
 * long run's per-call garbage is: batches kept across a few scavenges, then dropped. Prints the mark-compacts it
 * caused.
 */
function markCompactsAfterWork(bodyBytes: number): number {
  const script = `
    import { PerformanceObserver, constants } from 'node:perf_hooks';
    const headroom = await import(${JSON.stringify(HEADROOM)});
    headroom.collectForGet({ paced: true });
    headroom.keepHeapHeadroom(${bodyBytes});
    let majors = 0;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
    });
    observer.observe({ entryTypes: ['gc'] });
    let kept = [];
    for (let round = 0; round < 400; round++) {
      const batch = [];
      for (let i = 0; i < 2000; i++) batch.push({ round, i, text: 'x'.repeat(40) + i });
      kept.push(batch);
      if (kept.length > 8) kept.shift();
    }
    kept = [];
    await new Promise((resolve) => setTimeout(resolve, 100));
    observer.disconnect();
    process.stdout.write(String(majors));
  `;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

describe('V8 size mode of a get', () => {
  it('collects the old generation far more often for small bodies than for a burst', () => {
    const small = markCompactsAfterWork(4_500_000);
    const burst = markCompactsAfterWork(95_000_000);
    expect(small).toBeGreaterThanOrEqual(2 * Math.max(1, burst));
  });
});
