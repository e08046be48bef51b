import { describe, expect, it } from 'vitest';
import { createFleetBudget } from '../../src/archive/fleet-budget.js';

const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createFleetBudget', () => {
  it('never has more than N calls in flight across streams', async () => {
    const budget = createFleetBudget(3);
    let running = 0;
    let peak = 0;
    const call = async (stream: string): Promise<void> => {
      const release = await budget.acquire(stream);
      running += 1;
      peak = Math.max(peak, running);
      await settled();
      running -= 1;
      release();
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => call(`cam${i % 7}`)));
    expect(peak).toBe(3);
    expect(budget.inFlight()).toBe(0);
  });

  it('serves waiting streams round-robin so a long backlog does not starve the others', async () => {
    const budget = createFleetBudget(1);
    const first = await budget.acquire('busy');
    const order: string[] = [];
    const take = (stream: string): Promise<void> =>
      budget.acquire(stream).then((release) => {
        order.push(stream);
        release();
      });
    const waits = [take('busy'), take('busy'), take('busy'), take('quiet')];
    first();
    await Promise.all(waits);
    expect(order).toEqual(['busy', 'quiet', 'busy', 'busy']);
  });

  it('drops an aborted waiter without losing a slot, and a double release is a no-op', async () => {
    const budget = createFleetBudget(1);
    const slot = await budget.acquire('a');
    const controller = new AbortController();
    const aborted = budget.acquire('b', controller.signal);
    controller.abort(new Error('stopping'));
    await expect(aborted).rejects.toThrow('stopping');
    slot();
    slot();
    expect(budget.inFlight()).toBe(0);
    const again = await budget.acquire('c');
    expect(budget.inFlight()).toBe(1);
    again();
  });

  it('rejects a budget below one', () => {
    expect(() => createFleetBudget(0)).toThrow(RangeError);
  });
});
