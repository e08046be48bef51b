#!/usr/bin/env node
// Fails (exit 1) when a function in src/clip is over 60 lines or a file in src/ is over 300 lines without a header
// comment saying why it is long (house rules, docs/README.md). Reads the source with the TypeScript compiler API, so
// declarations, methods, accessors, constructors, arrow functions and function expressions all count; a function's
// length runs from its first token to its closing brace, blank and comment lines inside included, nested functions
// included. "Saying why" is checked as: a comment at the top of the file or right after its imports contains the
// word "long" or "longer" (the reason is for the reader; the check only makes sure one was written).
//
//   node test/support/check-size.mjs [ROOT]   ROOT defaults to src/ (the unit test points it at a fixture tree)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export const MAX_FUNCTION_LINES = 60;
export const MAX_FILE_LINES = 300;

/** The function-like nodes the rule counts. */
function isFunctionLike(node) {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** A readable name for a function node: its own name, or the variable/property it is assigned to. */
function nameOf(node, sf) {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (
    parent &&
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
  )
    return parent.name.getText(sf);
  return '(anonymous)';
}

/** Every function in one source text over `max` lines: { name, line, lines }. */
export function longFunctions(fileName, text, max = MAX_FUNCTION_LINES) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  (function walk(node) {
    if (isFunctionLike(node) && node.body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > max) found.push({ name: nameOf(node, sf), line: first + 1, lines });
    }
    ts.forEachChild(node, walk);
  })(sf);
  return found;
}

/** Line count as `wc -l` gives it (a final newline does not start a line). */
export function lineCount(text) {
  if (text === '') return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

/**
 * True when the file's header says why it is long: a comment before its first statement that is not an import (at
 * the top, or right after the imports) containing the word "long" or "longer".
 */
export function hasWhyLongHeader(text) {
  const sf = ts.createSourceFile('header.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const firstCode = sf.statements.findIndex((statement) => !ts.isImportDeclaration(statement));
  const upTo = firstCode === -1 ? sf.statements.length : firstCode;
  const starts = [...sf.statements.slice(0, upTo + 1).map((statement) => statement.getFullStart())];
  if (firstCode === -1) starts.push(sf.endOfFileToken.getFullStart());
  return starts.some((pos) =>
    (ts.getLeadingCommentRanges(text, pos) ?? []).some((r) => /\blong(er)?\b/i.test(text.slice(r.pos, r.end))),
  );
}

function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

/** Every breach under `root`: functions are checked in root/clip only, file length everywhere. */
export function checkTree(root) {
  const problems = [];
  const clipDir = join(root, 'clip') + sep;
  const files = tsFiles(root);
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const rel = relative(root, f);
    const lines = lineCount(text);
    if (lines > MAX_FILE_LINES && !hasWhyLongHeader(text)) {
      problems.push(
        `${rel}: ${lines} lines (over ${MAX_FILE_LINES}) and no header comment saying why it is long ` +
          `(split it, or give it a header comment that says why it is long)`,
      );
    }
    if (f.startsWith(clipDir)) {
      for (const fn of longFunctions(f, text)) {
        problems.push(`${rel}:${fn.line}: function ${fn.name} is ${fn.lines} lines (over ${MAX_FUNCTION_LINES})`);
      }
    }
  }
  return { files: files.length, problems };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const root = resolve(process.argv[2] ?? join(import.meta.dirname, '../../src'));
  const { files, problems } = checkTree(root);
  for (const p of problems) console.error(p);
  if (problems.length > 0) process.exit(1);
  console.error(`no over-long functions in clip/ and no unexplained long files in ${files} files`);
}
