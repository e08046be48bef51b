import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { hoistGlobalFlags } from '../../src/cli/hoist-global-flags.js';

function program(): Command {
  const root = new Command('kvs-clip').version('1', '-V, --version');
  root
    .command('get')
    .argument('<stream>')
    .option('--region <name>')
    .option('-o, --output <path>')
    .option('-v, --verbose')
    .option('-q, --quiet')
    .option('--json');
  root.command('streams').option('--region <name>').option('-v, --verbose').option('--json');
  return root;
}

describe('hoistGlobalFlags', () => {
  it.each([
    [
      ['--region', 'x', 'get', 'cam'],
      ['get', '--region', 'x', 'cam'],
    ],
    [
      ['-v', 'get', 'cam', '-o', 'a.mp4'],
      ['get', '-v', 'cam', '-o', 'a.mp4'],
    ],
    [
      ['--region=x', '--json', 'streams'],
      ['streams', '--region=x', '--json'],
    ],
    [
      ['-vq', 'get', 'cam'],
      ['get', '-vq', 'cam'],
    ],
  ])('moves the flags of %j behind the command name', (argv, moved) => {
    expect(hoistGlobalFlags(program(), argv)).toEqual(moved);
  });

  it.each([
    [['get', '--region', 'x', 'cam']],
    [['--help']],
    [['-V']],
    [['-v']],
    [['--bogus', 'get', 'cam']],
    [['--region', 'get', 'cam']],
    [['--', 'get', 'cam']],
    [['-o', 'a.mp4', 'streams']],
  ])('leaves %j as it is, for commander to judge', (argv) => {
    expect(hoistGlobalFlags(program(), argv)).toEqual(argv);
  });
});
