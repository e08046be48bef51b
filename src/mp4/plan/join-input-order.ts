/**
 * The order of `join`'s inputs, checked before a user is surprised by the result: a file given twice, or two files
 * with the same recorded KVS start (a copy), would put the same media in twice; a file that starts before the one
 * given ahead of it is joined out of time order (the joiner pushes it after its predecessor). Pure.
 */
export type JoinInputFacts = {
  /** As the user typed it. */
  readonly name: string;
  /** The same for two names of one file (its resolved path). */
  readonly identity: string;
  /** The KVS start a kvs-clip output recorded (epoch ms); absent for other files. */
  readonly startMs?: number;
};

/** One warning line per suspicious input, in input order (empty when nothing is wrong). */
export function joinInputWarnings(inputs: readonly JoinInputFacts[], formatInstant: (ms: number) => string): string[] {
  const warnings: string[] = [];
  let latest: JoinInputFacts | undefined;
  inputs.forEach((input, i) => {
    const earlier = inputs.slice(0, i);
    const same = earlier.find((other) => other.identity === input.identity);
    const copy = earlier.find((other) => other.startMs !== undefined && other.startMs === input.startMs);
    if (same !== undefined) {
      warnings.push(`"${input.name}" is given twice (also as "${same.name}"): its media is joined twice`);
    } else if (copy !== undefined && input.startMs !== undefined) {
      warnings.push(
        `"${input.name}" starts at ${formatInstant(input.startMs)}, as "${copy.name}" does: the same clip twice?`,
      );
    } else if (input.startMs !== undefined && latest?.startMs !== undefined && input.startMs < latest.startMs) {
      warnings.push(
        `"${input.name}" (${formatInstant(input.startMs)}) starts before "${latest.name}" ` +
          `(${formatInstant(latest.startMs)}), given ahead of it: clips are joined in the order given`,
      );
    }
    if (input.startMs !== undefined && (latest?.startMs === undefined || input.startMs > latest.startMs))
      latest = input;
  });
  return warnings;
}
