import { constants, performance, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { BUDGET_BYTES, spendBodyBytes } from '../../src/runtime/scavenge-budget.js';

/**
 * The young-generation collections V8 reports as started while `run` ran (perf_hooks 'gc' entries, kind minor):
 * `run` is synchronous and allocates nothing itself, so V8 has no reason of its own to scavenge in that window.
 */
async function scavengesDuring(run: () => void): Promise<number> {
  const seen: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => seen.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const from = performance.now();
  run();
  const to = performance.now();
  // Entries are delivered asynchronously, after the collection.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return seen.filter(
    (entry) =>
      (entry as PerformanceEntry & { readonly detail?: { readonly kind?: number } }).detail?.kind ===
        constants.NODE_PERFORMANCE_GC_MINOR &&
      entry.startTime >= from &&
      entry.startTime <= to,
  ).length;
}

describe('the scavenge budget', () => {
  it('runs one young-generation collection each time a budget of body bytes is spent', async () => {
    spendBodyBytes(BUDGET_BYTES); // settles whatever an earlier test left owed, and finds the collector
    const scavenges = await scavengesDuring(() => {
      for (let i = 0; i < 3 * 8; i++) spendBodyBytes(BUDGET_BYTES / 8);
    });
    expect(scavenges).toBe(3);
  });

  it('runs none while less than a budget is spent', async () => {
    spendBodyBytes(BUDGET_BYTES); // starts from a spent budget
    const scavenges = await scavengesDuring(() => spendBodyBytes(BUDGET_BYTES - 1));
    expect(scavenges).toBe(0);
  });
});
