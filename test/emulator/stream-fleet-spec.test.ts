import { describe, expect, it } from 'vitest';
import { parseStreamFleetSpec } from '../../src/emulator/stream-fleet-spec.js';

describe('parseStreamFleetSpec', () => {
  it('serves a fleet from one range with the same options on every stream', () => {
    const specs = parseStreamFleetSpec('cam[1-50]=h264_aac,live,fragment=1s');
    expect(specs.map((s) => s.name)).toEqual(Array.from({ length: 50 }, (_, i) => `cam${i + 1}`));
    for (const spec of specs)
      expect(spec).toMatchObject({ source: { preset: 'h264_aac' }, live: true, fragmentSeconds: 1 });
  });

  it('pads names to the width of a zero-padded first bound and keeps a suffix', () => {
    expect(parseStreamFleetSpec('site[08-11]-door=h264').map((s) => s.name)).toEqual([
      'site08-door',
      'site09-door',
      'site10-door',
      'site11-door',
    ]);
  });

  it('reads a plain name as one stream', () => {
    expect(parseStreamFleetSpec('lobby=h265,span=2h')).toMatchObject([{ name: 'lobby', spanMs: 7_200_000 }]);
  });

  it.each(['cam[5-1]=h264', 'cam[1-20000]=h264', 'cam[1-2][3-4]=h264', 'cam[1-3]=nope,wat'])('rejects %j', (text) => {
    expect(() => parseStreamFleetSpec(text)).toThrow(RangeError);
  });
});
