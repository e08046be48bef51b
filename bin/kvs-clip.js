#!/usr/bin/env node
// Thin shim: the CLI lives in dist/cli/main.js (built from src/cli/main.ts).
await import('../dist/cli/main.js');
