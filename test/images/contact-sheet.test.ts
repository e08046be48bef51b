import { describe, expect, it } from 'vitest';
import { getCommandFor, sheetTile, wallTime } from '../../src/images/contact-sheet.js';

const at = Date.UTC(2025, 5, 14, 13, 7, 0);
const context = { stream: 'cam', timeZone: 'Europe/Berlin', everyMs: 60_000, selector: 'server' };

describe('contact sheet tiles', () => {
  it('gives each instant a get command for the interval around it, in UTC, and at least 10 s long', () => {
    expect(getCommandFor('cam', at, { everyMs: 60_000, selector: 'server' })).toBe(
      'kvs-clip get cam --at 2025-06-14T13:06:30Z --duration 1m',
    );
    expect(getCommandFor("o'hare cam", at, { everyMs: 1_000, selector: 'producer' })).toBe(
      "kvs-clip get 'o'\\''hare cam' --at 2025-06-14T13:06:55Z --duration 10s --timestamps producer",
    );
  });

  it('shows the instant in the zone and in UTC', () => {
    expect(wallTime(at, 'Europe/Berlin')).toBe('2025-06-14 15:07:00');
    const html = sheetTile({ record: { timestampMs: at, error: 'NO_MEDIA' }, index: 3 }, context);
    expect(html).toContain('<time datetime="2025-06-14T13:07:00Z">2025-06-14 15:07:00</time>');
    expect(html).toContain('class="gap" data-error="NO_MEDIA"');
    expect(html).toContain('No footage (NO_MEDIA)');
  });

  it('inlines the picture with its size and escapes names in the markup', () => {
    const html = sheetTile(
      {
        record: { timestampMs: at, file: undefined, sizeBytes: 3, size: { width: 320, height: 180 } },
        index: 1,
        picture: { bytes: new Uint8Array([1, 2, 3]), mime: 'image/jpeg' },
      },
      { ...context, stream: 'a"<b>' },
    );
    expect(html).toContain('<img src="data:image/jpeg;base64,AQID" width="320" height="180"');
    expect(html).not.toContain('a"<b>');
    expect(html).toContain('a&quot;&lt;b&gt;');
  });
});
