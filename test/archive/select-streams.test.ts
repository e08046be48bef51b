import { describe, expect, it } from 'vitest';
import { selectStreams } from '../../src/archive/select-streams.js';
import { UsageError } from '../../src/errors/usage-error.js';

describe('selectStreams', () => {
  it('joins names, prefix matches and file lines, sorted and without duplicates', () => {
    const streams = selectStreams({
      names: ['lobby', 'cam2'],
      prefix: 'cam',
      listed: ['cam1', 'cam2', 'door'],
      fileText: '# fleet\ngate # north\n\n  cam1  \r\n',
    });
    expect(streams).toEqual(['cam1', 'cam2', 'gate', 'lobby']);
  });

  it('accepts a prefix that matches nothing yet (follow picks streams up later)', () => {
    expect(selectStreams({ names: [], prefix: 'cam', listed: ['door'] })).toEqual([]);
  });

  it('asks for streams when none are given', () => {
    expect(() => selectStreams({ names: [] })).toThrow('archive needs streams');
  });

  it('names the file line of an invalid stream name', () => {
    expect(() => selectStreams({ names: [], fileText: 'cam1\ncam 2\n', fileName: 'fleet.txt' })).toThrow(
      'fleet.txt:2: "cam 2" is not a KVS stream name',
    );
    expect(() => selectStreams({ names: ['a/b'] })).toThrow(UsageError);
  });
});
