import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCycles, importsOf } from './check-cycles.mjs';

describe('the cycle check (test/support/check-cycles.mjs, part of npm run lint)', () => {
  it('reads value, type-only, re-export, side-effect and dynamic imports, relative ones only', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      'import {',
      '  type C,',
      "} from './c.js';",
      "export { d } from './d.js';",
      "export type * from './e.js';",
      "import './f.js';",
      "const g = await import('./g.js');",
      "import { readFile } from 'node:fs/promises';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['./a.js', '../b.js', './c.js', './d.js', './e.js', './f.js', './g.js']);
  });

  describe('on a fixture tree', () => {
    const root = mkdtempSync(join(tmpdir(), 'check-cycles-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const write = (name: string, text: string): void => {
      mkdirSync(join(root, name, '..'), { recursive: true });
      writeFileSync(join(root, name), text);
    };
    write('typed/a.ts', "import type { B } from './b.js';\nexport type A = { b?: B };\n");
    write('typed/b.ts', "import type { A } from './a.js';\nexport type B = { a?: A };\n");
    write('plain/c.ts', "import { d } from './d.js';\nexport const c = d;\n");
    write('plain/d.ts', 'export const d = 1;\n');

    it('reports a cycle made of type-only imports, and no cycle where there is none', () => {
      expect(findCycles(root)).toEqual({ files: 4, cycles: [['typed/a.ts', 'typed/b.ts', 'typed/a.ts']] });
    });
  });
});
