#!/usr/bin/env node
// Thin shim: the CLI lives in dist/cli/main.js (built from src/cli/main.ts).
import module from 'node:module';

// Most of a command's start-up is V8 compiling modules (the CLI, commander, the AWS SDK). Node ≥ 22.1 can keep that
// compiled code on disk (under the OS temp dir) and skip it from the second run on; Node 20 has no such cache.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off. It never throws: an unwritable cache only means no cache.
module.enableCompileCache?.();
await import('../dist/cli/main.js');
