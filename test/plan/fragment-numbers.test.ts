import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  concatNumbers,
  firstDifference,
  isPackedNumbers,
  numberAt,
  numbersDigest,
  packNumbers,
  sameNumber,
  unpackNumbers,
  viewRows,
} from '../../src/plan/fragment-numbers.js';
import { sliceTable, tableOf } from '../../src/plan/fragment-table.js';
import { planParts } from '../../src/plan/plan-parts.js';
import { fragmentNumber, steadyFragments, T0 } from './fragment-fixtures.js';

const numbers = ['7', fragmentNumber(0), fragmentNumber(1), '0042'];

describe('packed fragment numbers', () => {
  it('give back every number as it was packed, leading zeros and 47 digits included', () => {
    const packed = packNumbers(numbers);
    expect(packed.length).toBe(4);
    expect(unpackNumbers(packed)).toEqual(numbers);
    expect(numberAt(packed, 3)).toBe('0042');
  });

  it('view a run of rows of a table (or of a view of one) without copying its digits', () => {
    const table = tableOf(steadyFragments(10));
    const rows = viewRows(sliceTable(table, 3, 8), 1, 4);
    expect(unpackNumbers(rows)).toEqual([4, 5, 6].map(fragmentNumber));
    expect(rows.digits).toBe(table.digits);
    expect(numbersDigest(rows)).toBe(numbersDigest(packNumbers([4, 5, 6].map(fragmentNumber))));
    expect(unpackNumbers(viewRows(table, 8, 99))).toEqual([8, 9].map(fragmentNumber));
  });

  it('hash to the digest of the comma-joined strings, so resume manifests of earlier versions still match', () => {
    const expected = createHash('sha256').update(numbers.join(',')).digest('hex');
    expect(numbersDigest(packNumbers(numbers))).toBe(expected);
    const inner = createHash('sha256').update(numbers.slice(1, 3).join(',')).digest('hex');
    expect(numbersDigest(packNumbers(numbers), 1, 3)).toBe(inner);
    expect(numbersDigest(packNumbers([]))).toBe(createHash('sha256').update('').digest('hex'));
  });

  it('concatenate runs in order and find the first number where two runs differ', () => {
    const whole = concatNumbers([packNumbers(numbers.slice(0, 1)), packNumbers([]), packNumbers(numbers.slice(1))]);
    expect(unpackNumbers(whole)).toEqual(numbers);
    expect(firstDifference(whole, packNumbers(numbers))).toBe(-1);
    expect(firstDifference(whole, packNumbers(['7', fragmentNumber(0), 'x', '0042']))).toBe(2);
    expect(firstDifference(whole, packNumbers(numbers.slice(0, 2)))).toBe(2);
    expect(sameNumber(whole, 0, packNumbers(['70']), 0)).toBe(false);
    expect(sameNumber(whole, 4, whole, 4)).toBe(false);
  });

  it('are recognised only with consistent offsets and decimal digits', () => {
    expect(isPackedNumbers(packNumbers(numbers))).toBe(true);
    expect(isPackedNumbers(packNumbers(['12', 'x']))).toBe(false);
    expect(isPackedNumbers({ length: 2, digits: new Uint8Array(2), digitStart: new Uint32Array(2) })).toBe(false);
    expect(isPackedNumbers(numbers)).toBe(false);
  });

  it("are how a plan's parts hold their fragments: views of the listing's digits, not a string per fragment", () => {
    const fragments = steadyFragments(450, { sizeBytes: 100_000 });
    const listing = tableOf(fragments);
    const plan = planParts(listing, {
      selector: 'server',
      window: { startMs: T0, endMs: T0 + 450 * 2000 },
      align: 'inside',
    });
    expect(plan.parts.map((part) => part.fragmentNumbers.length)).toEqual([200, 200, 50]);
    for (const part of plan.parts) {
      expect(isPackedNumbers(part.fragmentNumbers)).toBe(true);
      expect(part.fragmentNumbers.digits).toBe(listing.digits);
      expect(numberAt(part.fragmentNumbers, 0)).toBe(part.firstFragmentNumber);
      expect(numberAt(part.fragmentNumbers, part.fragmentCount - 1)).toBe(part.lastFragmentNumber);
    }
    expect(plan.parts.flatMap((part) => unpackNumbers(part.fragmentNumbers))).toEqual(
      fragments.map((f) => f.fragmentNumber),
    );
  });
});
