/**
 * A count with its noun in the right number, in the one number format of every human line (plain digits, no
 * grouping): `1 part`, `2 parts`, `0 gaps`, `1 retry`, `3 retries`. Pure.
 */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
