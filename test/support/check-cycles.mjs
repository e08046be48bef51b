#!/usr/bin/env node
// Fails (exit 1) when src/ has an import cycle. Reads relative `import … from './x.js'` specifiers only, type-only
// imports included: a cycle of types is still a cycle a reader has to untangle.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../src');
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) files.push(p);
  }
})(root);

const graph = new Map();
const spec = /(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
for (const f of files) {
  const deps = [];
  for (const m of readFileSync(f, 'utf8').matchAll(spec)) {
    deps.push(resolve(dirname(f), (m[1] ?? m[2]).replace(/\.js$/, '.ts')));
  }
  graph.set(f, deps);
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

if (cycles.length > 0) {
  for (const c of cycles) console.error('import cycle: ' + c.map((f) => relative(root, f)).join(' -> '));
  process.exit(1);
}
console.error(`no import cycles in ${files.length} files`);
