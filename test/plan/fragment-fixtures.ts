import type { Fragment } from '../../src/plan/fragment.js';

export { seededRandom } from '../../src/emulator/seeded-random.js';

/**
 * A 47-digit fragment number counting up from a realistic base (beyond uint64, docs/planning.md, "How KVS selects
 * fragments").
 */
export function fragmentNumber(n: number): string {
  return (91343852333185057105875891022195998207386831087n + BigInt(n)).toString();
}

export const T0 = Date.UTC(2025, 5, 14, 13, 0, 0);

/** `count` back-to-back fragments of `durationMs` starting at `startMs`; producer clock 11 s behind the server. */
export function steadyFragments(
  count: number,
  options: { startMs?: number; durationMs?: number; sizeBytes?: number; firstNumber?: number } = {},
): Fragment[] {
  const startMs = options.startMs ?? T0;
  const durationMs = options.durationMs ?? 2000;
  return Array.from({ length: count }, (_, i) => ({
    fragmentNumber: fragmentNumber((options.firstNumber ?? 0) + i),
    serverMs: startMs + i * durationMs,
    producerMs: startMs + i * durationMs - 11_000,
    durationMs,
    sizeBytes: options.sizeBytes ?? 500_000,
  }));
}

/** Fisher–Yates with a seeded source: ListFragments order is "no specific order, even across pages". */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a !== undefined && b !== undefined) {
      out[i] = b;
      out[j] = a;
    }
  }
  return out;
}
