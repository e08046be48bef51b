import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/usage-error.js';
import {
  DEFAULT_TEMPLATE,
  checkTemplate,
  renderTemplate,
  sanitizeName,
  templateHasField,
} from '../../src/output/template.js';

const fields = {
  stream: 'cam1',
  startMs: Date.UTC(2025, 5, 14, 13, 0, 0),
  endMs: Date.UTC(2025, 5, 14, 14, 0, 5, 250),
  selector: 'server',
};

describe('renderTemplate', () => {
  it('renders the default name from the stream and the UTC window', () => {
    expect(renderTemplate(DEFAULT_TEMPLATE, fields)).toBe('cam1_20250614T130000Z_20250614T140005Z.mp4');
  });

  it("renders strftime formats, with the format's own slashes making subdirectories", () => {
    expect(renderTemplate('archive/{stream}/{start:%Y/%m/%d/%H%M}.mp4', fields)).toBe(
      'archive/cam1/2025/06/14/1300.mp4',
    );
    expect(renderTemplate('{start:%j}-{start:%s}-{end:%H%%}', fields)).toBe('165-1749906000-14%');
  });

  it('renders {date}, {selector}, a zero-padded {index} and its alias {part}', () => {
    expect(renderTemplate('{date}/{stream}-{selector}-{index:03}.mp4', { ...fields, index: 7 })).toBe(
      '2025-06-14/cam1-server-007.mp4',
    );
    expect(renderTemplate('{part}.mp4', { ...fields, index: 12 })).toBe('12.mp4');
  });

  it('renders in UTC whatever the process zone', () => {
    const previous = process.env['TZ'];
    try {
      process.env['TZ'] = 'Pacific/Kiritimati';
      expect(renderTemplate('{start:%Y-%m-%dT%H}', { ...fields, startMs: Date.UTC(2025, 11, 31, 23) })).toBe(
        '2025-12-31T23',
      );
    } finally {
      if (previous === undefined) delete process.env['TZ'];
      else process.env['TZ'] = previous;
    }
  });

  it('keeps a stream name from leaving the target directory', () => {
    for (const stream of ['../../etc', '..', '.', '/etc/passwd', 'a/../../b', '..\\..\\win']) {
      const path = renderTemplate('out/{stream}/{stream}.mp4', { ...fields, stream });
      const segments = path.split('/');
      expect(segments.slice(0, 1)).toEqual(['out']);
      expect(segments).toHaveLength(3);
      expect(segments.every((segment) => segment !== '..' && segment !== '.' && segment !== '')).toBe(true);
    }
    expect(renderTemplate('{stream}.mp4', { ...fields, stream: '../../etc' })).toBe('___.._etc.mp4');
  });

  it('replaces every character outside [A-Za-z0-9._-] in substituted values', () => {
    expect(sanitizeName('front door: cam #1')).toBe('front_door__cam__1');
    expect(sanitizeName('Ünïcode')).toBe('_n_code');
    expect(sanitizeName('')).toBe('_');
    expect(sanitizeName('.hidden')).toBe('_hidden');
  });

  it("keeps the template's own literals, including {{ and }} as braces", () => {
    expect(renderTemplate('/srv/a b/{{x}}-{stream}.mp4', fields)).toBe('/srv/a b/{x}-cam1.mp4');
  });

  it.each([
    ['{nope}.mp4', 'unknown field {nope}'],
    ['{stream.mp4', 'unclosed "{"'],
    ['stream}.mp4', 'unmatched "}"'],
    ['{start:%Q}.mp4', 'unknown format "%Q"'],
    ['{start:%}.mp4', 'unknown format "%"'],
    ['{start:}.mp4', 'empty format'],
    ['{stream:%Y}.mp4', 'takes no format'],
    ['{index:abc}.mp4', 'wants a width'],
    ['', 'it is empty'],
    ['archive/{stream}/', 'names a directory'],
  ])('rejects the bad template %j', (template, problem) => {
    expect(() => renderTemplate(template, { ...fields, index: 1 })).toThrow(UsageError);
    expect(() => renderTemplate(template, { ...fields, index: 1 })).toThrow(problem);
  });

  it('renders an image instant with {time}, milliseconds with %L, and refuses {time} outside images', () => {
    const timeMs = Date.UTC(2025, 5, 14, 13, 5, 7, 40);
    expect(renderTemplate('{stream}_{time:%H%M%S.%L}.jpg', { ...fields, timeMs })).toBe('cam1_130507.040.jpg');
    expect(renderTemplate('{time}.png', { ...fields, timeMs })).toBe('20250614T130507.040Z.png');
    expect(() => renderTemplate('{time}.jpg', fields)).toThrow('{time} names an image instant');
  });

  it('rejects {index} when there is no part number', () => {
    expect(() => renderTemplate('{index}.mp4', fields)).toThrow('only available with --split');
  });
});

describe('templateHasField and checkTemplate', () => {
  it('finds fields, with {part} counting as {index}', () => {
    expect(templateHasField('{stream}_{index:02}.mp4', 'index')).toBe(true);
    expect(templateHasField('{stream}_{part}.mp4', 'index')).toBe(true);
    expect(templateHasField(DEFAULT_TEMPLATE, 'index')).toBe(false);
    expect(templateHasField('{{index}}.mp4', 'index')).toBe(false);
  });

  it('validates syntax without values', () => {
    expect(() => checkTemplate('{index:03}.mp4')).not.toThrow();
    expect(() => checkTemplate('{bad}')).toThrow(UsageError);
  });
});
