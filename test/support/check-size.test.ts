import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTree, hasWhyLongHeader, lineCount, longFunctions } from './check-size.mjs';

/** A function whose text spans exactly `lines` lines (first token to closing brace). */
function functionOf(lines: number, head = 'function f(): number {'): string {
  const body = Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i};`);
  return [head, ...body, '}'].join('\n');
}

/** `n` lines of plain statements. */
function filler(n: number): string {
  return Array.from({ length: n }, (_, i) => `export const c${i} = ${i};`).join('\n') + '\n';
}

describe('the size check (test/support/check-size.mjs, part of npm run lint)', () => {
  it('counts a function from its first token to its closing brace', () => {
    expect(functionOf(61).split('\n')).toHaveLength(61);
    expect(longFunctions('a.ts', functionOf(61))).toEqual([{ name: 'f', line: 1, lines: 61 }]);
  });

  it('lets a function of exactly 60 lines pass and flags one of 61', () => {
    expect(longFunctions('a.ts', functionOf(60))).toEqual([]);
    expect(longFunctions('a.ts', functionOf(61))).toHaveLength(1);
  });

  it('flags methods, constructors, arrow functions and function expressions, named by what holds them', () => {
    const text = [
      'class K {',
      functionOf(61, 'constructor() {'),
      functionOf(61, 'method(): void {'),
      '}',
      functionOf(61, 'const arrow = (): void => {') + ';',
      functionOf(61, 'const expression = function (): void {') + ';',
      'const object = {',
      functionOf(61, 'property: (): void => {') + ',',
      '};',
    ].join('\n');
    expect(longFunctions('a.ts', text).map((found) => found.name)).toEqual([
      'constructor',
      'method',
      'arrow',
      'expression',
      'property',
    ]);
  });

  it('counts a nested function inside its outer one', () => {
    const text = ['function outer(): void {', functionOf(59, 'function inner(): void {'), '}'].join('\n');
    expect(longFunctions('a.ts', text)).toEqual([{ name: 'outer', line: 1, lines: 61 }]);
  });

  it('counts lines as wc -l does', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('a\n')).toBe(1);
    expect(lineCount('a\nb')).toBe(2);
  });

  it('accepts only a header comment, at the top or right after the imports, that says why it is long', () => {
    expect(hasWhyLongHeader('// Kept long: one state machine.\nexport {};\n')).toBe(true);
    expect(hasWhyLongHeader("import 'a';\nimport 'b';\n/** Longer than 300 lines: … */\nexport {};\n")).toBe(true);
    expect(hasWhyLongHeader("import 'a';\n/** What it does. */\nexport {};\n// long\n")).toBe(false);
    expect(hasWhyLongHeader('export function f(): void {\n  // long\n}\n')).toBe(false);
    expect(hasWhyLongHeader('#!/usr/bin/env node\n/**\n * Long because …\n */\nexport {};\n')).toBe(true);
    expect(hasWhyLongHeader('// What this file does.\nexport {};\n')).toBe(false);
    expect(hasWhyLongHeader('export {};\n// long, but not a header\n')).toBe(false);
    expect(hasWhyLongHeader('export {};\n')).toBe(false);
  });

  describe('on a fixture tree', () => {
    const root = mkdtempSync(join(tmpdir(), 'check-size-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, 'clip'));
    mkdirSync(join(root, 'other'));
    writeFileSync(join(root, 'clip', 'long-function.ts'), functionOf(61, 'export function tooLong(): void {') + '\n');
    writeFileSync(
      join(root, 'other', 'long-function.ts'),
      functionOf(61, 'export function elsewhere(): void {') + '\n',
    );
    writeFileSync(join(root, 'other', 'long-file.ts'), filler(301));
    writeFileSync(join(root, 'other', 'long-explained.ts'), '// Long on purpose: a table.\n' + filler(300));
    writeFileSync(join(root, 'other', 'at-limit.ts'), filler(300));

    it('reports an over-long function in clip/ and a long file without a header, and nothing else', () => {
      const { files, problems } = checkTree(root);
      expect(files).toBe(5);
      expect(problems).toEqual([
        'clip/long-function.ts:1: function tooLong is 61 lines (over 60)',
        'other/long-file.ts: 301 lines (over 300) and no header comment saying why it is long ' +
          '(split it, or give it a header comment that says why it is long)',
      ]);
    });
  });
});
