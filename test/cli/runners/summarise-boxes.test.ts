import { describe, expect, it } from 'vitest';
import { summariseBoxes } from '../../../src/cli/runners/run-inspect.js';

describe('summariseBoxes', () => {
  it('folds the moof/mdat pairs of a fragmented file into one count', () => {
    const fragments = Array.from({ length: 1800 }, () => ['moof', 'mdat']).flat();
    expect(summariseBoxes(['ftyp', 'moov', ...fragments, 'mfra'])).toBe('ftyp moov (moof mdat)×1800 mfra');
  });

  it('leaves a progressive file as it is and folds repeated single boxes', () => {
    expect(summariseBoxes(['ftyp', 'moov', 'mdat'])).toBe('ftyp moov mdat');
    expect(summariseBoxes(['ftyp', 'free', 'free', 'free', 'mdat', 'moov'])).toBe('ftyp free×3 mdat moov');
    expect(summariseBoxes(['ftyp', 'moov', 'moof', 'mdat'])).toBe('ftyp moov moof mdat');
  });
});
