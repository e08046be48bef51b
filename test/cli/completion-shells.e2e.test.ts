import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMPLETION_FILES } from '../../src/cli/completion/completion-script.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const file = (shell: keyof typeof COMPLETION_FILES) =>
  fileURLToPath(new URL(`../../${COMPLETION_FILES[shell]}`, import.meta.url));
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
// .ci/run installs zsh and fish; locally a missing shell skips its check instead of failing.
const inCi = process.env['CI'] === 'true';

describe('generated completion files', () => {
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    it.runIf(inCi || has(shell))(`pass ${shell} -n`, () => {
      const result = spawnSync(shell, ['-n', file(shell)], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    });
  }

  /** Run the bash completion function for a command line, the way readline would, and return COMPREPLY. */
  function bashComplete(words: string[]): string[] {
    const script = [
      `source ${JSON.stringify(file('bash'))}`,
      `COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')})`,
      `COMP_CWORD=${words.length - 1}`,
      `COMP_LINE=${JSON.stringify(words.join(' '))}`,
      '_kvs_clip',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    return execFileSync('bash', ['-c', script], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((line) => line !== '');
  }

  it('completes a partial option in a real bash', () => {
    expect(bashComplete(['kvs-clip', 'get', '--sin'])).toEqual(['--since']);
  });

  it('completes commands, aliases, choices and files in a real bash', () => {
    expect(bashComplete(['kvs-clip', 'l'])).toEqual(['list', 'ls']);
    expect(bashComplete(['kvs-clip', 'im'])).toEqual(['images']);
    expect(bashComplete(['kvs-clip', 'images', 'cam1', '--format', ''])).toEqual(['jpeg', 'png']);
    expect(bashComplete(['kvs-clip', 'images', 'cam1', '--ev'])).toEqual(['--every']);
    expect(bashComplete(['kvs-clip', 'get', 'cam1', '--timestamps', ''])).toEqual(['server', 'producer']);
    expect(bashComplete(['kvs-clip', 'completion', 'z'])).toEqual(['zsh']);
    expect(bashComplete(['kvs-clip', 'join', 'package.j'])).toEqual(['package.json']);
    expect(bashComplete(['kvs-clip', 'get', 'cam1', '--since', '1h', '-o', 'package.j'])).toEqual(['package.json']);
  });

  it.runIf(inCi || has('fish'))('completes a partial option in a real fish', () => {
    const out = execFileSync(
      'fish',
      ['-c', `source ${JSON.stringify(file('fish'))}; complete -C 'kvs-clip get --sin'`],
      { encoding: 'utf8' },
    );
    expect(out.split('\n')[0]).toMatch(/^--since\t/);
  });
});
