import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPLETION_FILES, completionScript } from '../../src/cli/completion/completion-script.js';
import { completionModel } from '../../src/cli/completion/completion-model.js';
import { completionProgram } from '../../src/cli/completion/completion-program.js';
import { SHELLS } from '../../src/cli/completion/shells.js';

const program = completionProgram();
const model = completionModel(program);

describe('completion model', () => {
  it('walks every visible command with its aliases, and leaves out the hidden __complete', () => {
    const names = model.commands.map((command) => command.name);
    expect(names).toEqual(expect.arrayContaining(['get', 'list', 'streams', 'join', 'inspect', 'completion']));
    expect(names).not.toContain('__complete');
    expect(model.commands.find((command) => command.name === 'list')?.aliases).toEqual(['ls']);
  });

  it('completes images with its stream argument, format choices and file-valued -o', () => {
    const images = model.commands.find((command) => command.name === 'images');
    const option = (flag: string) => images?.options.find((o) => o.flags.includes(flag));
    expect(images?.args[0]).toMatchObject({ name: 'stream', kind: 'stream' });
    expect(option('--format')?.value).toMatchObject({ kind: 'choice', choices: ['jpeg', 'png'] });
    expect(option('--output')?.value).toMatchObject({ kind: 'file' });
    expect(option('--every')?.value).toMatchObject({ kind: 'text' });
    expect(option('--timestamps')?.value).toMatchObject({ kind: 'choice', choices: ['server', 'producer'] });
  });

  it('knows which values are files, streams and choices', () => {
    const get = model.commands.find((command) => command.name === 'get');
    const option = (flag: string) => get?.options.find((o) => o.flags.includes(flag));
    expect(option('--output')?.value).toMatchObject({ kind: 'file' });
    expect(option('--state')?.value).toMatchObject({ kind: 'file' });
    expect(option('--timestamps')?.value).toMatchObject({ kind: 'choice', choices: ['server', 'producer'] });
    expect(option('--since')?.value).toMatchObject({ kind: 'text' });
    expect(option('--force')?.value).toBeUndefined();
    expect(get?.args[0]).toMatchObject({ name: 'stream', kind: 'stream' });
    const join = model.commands.find((command) => command.name === 'join');
    expect(join?.args[0]).toMatchObject({ kind: 'file', variadic: true });
    expect(model.commands.find((command) => command.name === 'completion')?.args[0]?.choices).toEqual([
      'bash',
      'zsh',
      'fish',
    ]);
  });
});

describe.each(SHELLS)('the %s script', (shell) => {
  const script = completionScript(program, shell);

  it('names every command, alias and option of the program', () => {
    for (const command of model.commands) {
      for (const name of [command.name, ...command.aliases]) expect(script).toContain(name);
      for (const option of command.options) {
        for (const flag of option.flags) {
          // fish spells flags without dashes (-l since, -s o).
          const spelled =
            shell === 'fish' ? (flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`) : flag;
          expect(script, `${command.name} ${flag}`).toContain(spelled);
        }
        for (const choice of option.value?.choices ?? []) expect(script).toContain(choice);
      }
    }
  });

  it('completes stream names through the hidden __complete streams', () => {
    expect(script).toContain('__complete streams');
  });

  it(`equals the committed ${COMPLETION_FILES[shell]} (regenerate with node dist/cli/write-completions.js)`, () => {
    const committed = readFileSync(new URL(`../../${COMPLETION_FILES[shell]}`, import.meta.url), 'utf8');
    expect(committed).toBe(script);
  });
});

describe('the completion command', () => {
  it('prints the same script as the generator', async () => {
    const chunks: string[] = [];
    const { fakeIo, spyRunners } = await import('./fake-io.js');
    const { runCli } = await import('../../src/cli/run-cli.js');
    const io = fakeIo();
    expect(await runCli(['completion', 'zsh'], { io, version: '0.0.0', run: spyRunners().run })).toBe(0);
    chunks.push(io.out());
    expect(chunks.join('')).toBe(completionScript(program, 'zsh'));
  });
});
