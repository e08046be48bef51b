#!/usr/bin/env node
// Fails (exit 1) when src/ has an import cycle. Reads relative specifiers only — `import … from './x.js'`,
// `export … from`, side-effect `import './x.js'` and dynamic `import('./x.js')` — type-only imports included: a
// cycle of types is still a cycle a reader has to untangle. check-cycles.test.ts proves a type-only cycle is caught.
//
//   node test/support/check-cycles.mjs [ROOT]   ROOT defaults to src/ (the unit test points it at a fixture tree)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const spec =
  /(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|^\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/gm;

/** The relative modules a source text imports, as the specifiers are written. */
export function importsOf(text) {
  return [...text.matchAll(spec)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Every import cycle among the .ts files under `root`, each as a list of paths relative to root. */
export function findCycles(root) {
  const files = [];
  (function walk(dir) {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  })(root);

  const graph = new Map();
  for (const f of files) {
    graph.set(
      f,
      importsOf(readFileSync(f, 'utf8')).map((s) => resolve(dirname(f), s.replace(/\.js$/, '.ts'))),
    );
  }

  const state = new Map();
  const cycles = [];
  function visit(f, stack) {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (!graph.has(d)) continue;
      if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d]);
      else if (!state.has(d)) visit(d, stack);
    }
    stack.pop();
    state.set(f, 'done');
  }
  for (const f of graph.keys()) if (!state.has(f)) visit(f, []);
  return { files: files.length, cycles: cycles.map((c) => c.map((f) => relative(root, f))) };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const root = resolve(process.argv[2] ?? join(import.meta.dirname, '../../src'));
  const { files, cycles } = findCycles(root);
  if (cycles.length > 0) {
    for (const c of cycles) console.error('import cycle: ' + c.join(' -> '));
    process.exit(1);
  }
  console.error(`no import cycles in ${files} files`);
}
