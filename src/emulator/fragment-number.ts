import { mixSeed } from './seeded-random.js';

/** A real 47-digit fragment number (amazon-kinesis-client-nodejs#117) as the base of every stream's numbering. */
const BASE = 91343852333185057105875891022195998207386831087n;
const STREAM_STRIDE = 10n ** 30n;
const SLOT_STRIDE = 1_000_003n;

/**
 * The fragment number of a slot: a 47-digit decimal string (beyond uint64, like AWS's), strictly increasing with
 * the slot (ingestion order) and with irregular steps so clients cannot assume arithmetic progressions.
 */
export function fragmentNumber(streamOrdinal: number, slot: number): string {
  const wobble = BigInt(mixSeed(streamOrdinal, slot) % 1_000_000);
  return (BASE + BigInt(streamOrdinal) * STREAM_STRIDE + BigInt(slot) * SLOT_STRIDE + wobble).toString();
}
