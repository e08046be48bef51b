import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPLETION_FILES, completionScript } from './completion/completion-script.js';
import { completionProgram } from './completion/completion-program.js';
import { SHELLS } from './completion/shells.js';

// Build step (`node dist/cli/write-completions.js`): writes completions/ from the commander tree, so the shipped
// scripts always list exactly the commands and options the CLI has. test/cli holds the files equal to this output.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const program = completionProgram();
for (const shell of SHELLS) {
  const path = join(root, COMPLETION_FILES[shell]);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, completionScript(program, shell));
  process.stdout.write(`${COMPLETION_FILES[shell]}\n`);
}
