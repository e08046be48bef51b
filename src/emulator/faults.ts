import { mixSeed, seededRandom } from './seeded-random.js';

/** The operations a fault can target. */
export type OperationName =
  'GetDataEndpoint' | 'DescribeStream' | 'ListStreams' | 'ListFragments' | 'GetClip' | 'GetImages';

/** What a fault does to the reply. */
export type FaultAction =
  /** Answer with this error name (status from the name's usual status unless given; 500/503 for InternalFailure/ServiceUnavailable). */
  | { readonly kind: 'error'; readonly name: string; readonly status?: number; readonly message?: string }
  /** Send headers and `afterBytes` body bytes, then destroy the socket (ECONNRESET / "aborted" on the client). */
  | { readonly kind: 'reset'; readonly afterBytes: number }
  /** Send the correct Content-Length but only `afterBytes` body bytes, then close the connection cleanly. */
  | { readonly kind: 'truncate'; readonly afterBytes: number }
  /** Wait before answering. */
  | { readonly kind: 'latency'; readonly ms: number }
  /** Cap this reply's body at `bytesPerSecond`. */
  | { readonly kind: 'bandwidth'; readonly bytesPerSecond: number }
  /** Flip `flips` bits at seeded offsets of the body (Content-Length unchanged). */
  | { readonly kind: 'corrupt'; readonly flips: number }
  /** Answer 200 with the real body but this Content-Type. */
  | { readonly kind: 'content-type'; readonly value: string }
  /** Answer `status` (default 502) with an HTML page, as a proxy in front of AWS would. */
  | { readonly kind: 'html'; readonly status?: number }
  /** Answer 200 `video/mp4` with moto's literal body `sample-mp4-video`. */
  | { readonly kind: 'moto' };

/**
 * One fault rule. It matches calls of `op` (every op when absent) on `stream` (any when absent); among those it
 * fires on the `nth` calls (1-based, counted per rule over matching calls), or on a seeded `fraction` of them, or
 * on every matching call when neither is given.
 */
export type FaultSpec = {
  readonly op?: OperationName;
  readonly stream?: string;
  readonly nth?: number | readonly number[];
  readonly fraction?: number;
  readonly action: FaultAction;
};

/** The faults chosen for one request (several rules may fire at once: latency + bandwidth + corrupt …). */
export type ChosenFaults = readonly FaultAction[];

/**
 * Decides, deterministically by seed, which faults apply to each call. Counting is per rule, so
 * `{ op: 'GetClip', nth: 2 }` fires on the second GetClip whatever else happened.
 */
export class FaultPlan {
  readonly #rules: readonly FaultSpec[];
  readonly #counts: number[];
  readonly #random: (() => number)[];

  constructor(rules: readonly FaultSpec[], seed: number) {
    this.#rules = rules;
    this.#counts = rules.map(() => 0);
    this.#random = rules.map((_, i) => seededRandom(mixSeed(seed, 'fault', i)));
  }

  /** Registers one call and returns the faults to apply (empty for a clean reply). */
  choose(op: OperationName, stream: string | undefined): ChosenFaults {
    const chosen: FaultAction[] = [];
    this.#rules.forEach((rule, i) => {
      if (rule.op !== undefined && rule.op !== op) return;
      if (rule.stream !== undefined && rule.stream !== stream) return;
      const count = (this.#counts[i] ?? 0) + 1;
      this.#counts[i] = count;
      const draw = this.#random[i]?.() ?? 0;
      const fires =
        rule.nth !== undefined
          ? (typeof rule.nth === 'number' ? [rule.nth] : rule.nth).includes(count)
          : rule.fraction !== undefined
            ? draw < rule.fraction
            : true;
      if (fires) chosen.push(rule.action);
    });
    return chosen;
  }
}

/** Seeded offsets for `corrupt`: distinct-enough bit positions inside a body of `size` bytes. */
export function corruptOffsets(size: number, flips: number, seed: number): Map<number, number> {
  const random = seededRandom(mixSeed(seed, 'corrupt', size));
  const masks = new Map<number, number>();
  for (let i = 0; i < flips && size > 0; i += 1) {
    const offset = Math.floor(random() * size);
    const bit = 1 << Math.floor(random() * 8);
    masks.set(offset, (masks.get(offset) ?? 0) ^ bit || bit);
  }
  return masks;
}
