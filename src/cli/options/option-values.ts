import type { OptionValues } from 'commander';

/**
 * Typed reads from commander's untyped option bag. Commander already enforced flags, choices and parsers,
 * so a type mismatch here is a wiring bug, not user input.
 */
export function stringOption(values: OptionValues, key: string): string | undefined {
  const value: unknown = values[key];
  return typeof value === 'string' ? value : undefined;
}

/** A boolean flag (including `--no-x` negations, which default to true). */
export function flagOption(values: OptionValues, key: string): boolean {
  const value: unknown = values[key];
  return value === true;
}

/** A number produced by one of the numeric option parsers, or the fallback when the flag was not given. */
export function numberOption(values: OptionValues, key: string, fallback: number): number {
  const value: unknown = values[key];
  return typeof value === 'number' ? value : fallback;
}

/** A `.choices()` option: returns the value when it is one of `choices`, else the fallback. */
export function choiceOption<T extends string>(
  values: OptionValues,
  key: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value: unknown = values[key];
  return choices.find((choice) => choice === value) ?? fallback;
}
