import { formatDuration } from '../time/format-duration.js';
import { formatInstant } from '../time/format-instant.js';
import { instantToWallClock } from '../time/zone.js';
import type { ImageRecord, ImageTally } from './image-records.js';

/** What the sheet's header says (docs/images.md, "The contact sheet"). */
export type SheetHeader = {
  readonly stream: string;
  readonly window: { readonly startMs: number; readonly endMs: number };
  readonly everyMs: number;
  readonly timeZone: string;
  readonly selector: 'server' | 'producer';
  readonly tally: ImageTally;
  readonly sampled: number;
};

/** One tile: the record, and for a picture its bytes (inlined as a data: URI) and MIME type. */
export type SheetTile = {
  readonly record: ImageRecord;
  readonly index: number;
  readonly picture?: { readonly bytes: Uint8Array; readonly mime: 'image/jpeg' | 'image/png' };
};

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2025-06-14 15:07:00` (milliseconds when not zero) in `timeZone`. */
export function wallTime(ms: number, timeZone: string): string {
  const w = instantToWallClock(ms, timeZone);
  const base = `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
  return w.millisecond === 0 ? base : `${base}.${pad(w.millisecond, 3)}`;
}

/**
 * The `get` command for the span around an instant: half an interval either side (at least 10 s in all), UTC
 * instants so the command means the same in any zone.
 */
export function getCommandFor(stream: string, ms: number, options: { everyMs: number; selector: string }): string {
  const spanMs = Math.max(10_000, options.everyMs);
  const at = ms - Math.floor(spanMs / 2);
  const quoted = /^[A-Za-z0-9._-]+$/.test(stream) ? stream : `'${stream.replace(/'/g, `'\\''`)}'`;
  const selector = options.selector === 'producer' ? ' --timestamps producer' : '';
  return `kvs-clip get ${quoted} --at ${formatInstant(at)} --duration ${formatDuration(spanMs).replace(/\s+/g, '')}${selector}`;
}

const STYLE = `
:root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
body{margin:0;padding:1rem;background:Canvas;color:CanvasText;line-height:1.4}
header{margin-bottom:1rem}h1{font-size:1.25rem;margin:0 0 .25rem}
dl{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;margin:0}dt{font-weight:600}dd{margin:0}
ol{list-style:none;margin:0;padding:0;display:grid;gap:.75rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,15rem),1fr))}
li{border:1px solid GrayText;border-radius:.4rem;overflow:hidden}
figure{margin:0}img{display:block;width:100%;height:auto}
.hole{aspect-ratio:16/9;display:grid;place-items:center;background:repeating-linear-gradient(45deg,#8882 0 .6rem,#8884 .6rem 1.2rem);font-weight:600}
figcaption{padding:.4rem .5rem;font-size:.9rem}time{font-weight:600}.utc{color:GrayText}
input{width:100%;box-sizing:border-box;font:.8rem ui-monospace,monospace;margin-top:.3rem;padding:.2rem}
input:focus,a:focus{outline:3px solid Highlight}
.skip{position:absolute;left:-100vw}.skip:focus{position:static}`;

/** Everything before the tiles: document head, style, header with stream, window and counts, the list's start. */
export function sheetStart(header: SheetHeader): string {
  const { window, timeZone, tally } = header;
  const utc = `${formatInstant(window.startMs)} → ${formatInstant(window.endMs)}`;
  const local = `${wallTime(window.startMs, timeZone)} → ${wallTime(window.endMs, timeZone)} (${timeZone})`;
  const counts = [
    `${tally.written} of ${header.sampled} with a picture`,
    ...(tally.noMedia > 0 ? [`${tally.noMedia} without footage (NO_MEDIA)`] : []),
    ...(tally.mediaError > 0 ? [`${tally.mediaError} not decodable (MEDIA_ERROR)`] : []),
  ].join(', ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(header.stream)}: ${escape(utc)}</title>
<style>${STYLE}</style></head>
<body><a class="skip" href="#tiles">Skip to the pictures</a>
<header><h1>${escape(header.stream)}</h1><dl>
<dt>Window</dt><dd>${escape(local)}</dd><dd class="utc">${escape(utc)}</dd>
<dt>Every</dt><dd>${escape(formatDuration(header.everyMs))} (${header.selector} timestamps)</dd>
<dt>Pictures</dt><dd id="counts">${escape(counts)}</dd>
</dl></header>
<main><ol id="tiles">
`;
}

/** One tile, a list item: the picture (or a marked hole for a gap), its instant in the zone and UTC, a get command. */
export function sheetTile(
  tile: SheetTile,
  context: { stream: string; timeZone: string; everyMs: number; selector: string },
): string {
  const { record } = tile;
  const utc = formatInstant(record.timestampMs);
  const local = wallTime(record.timestampMs, context.timeZone);
  const label = `${context.stream} at ${local} ${context.timeZone}`;
  const body =
    'error' in record || tile.picture === undefined
      ? `<div class="hole" role="img" aria-label="${escape(`${label}: no picture`)}">${
          'error' in record && record.error === 'MEDIA_ERROR' ? 'Not decodable (MEDIA_ERROR)' : 'No footage (NO_MEDIA)'
        }</div>`
      : `<img src="data:${tile.picture.mime};base64,${Buffer.from(tile.picture.bytes).toString('base64')}"${
          record.size === undefined ? '' : ` width="${record.size.width}" height="${record.size.height}"`
        } alt="${escape(label)}">`;
  const command = getCommandFor(context.stream, record.timestampMs, context);
  const kind = 'error' in record ? ` class="gap" data-error="${record.error}"` : ' class="picture"';
  return `<li id="t${tile.index}"${kind} data-instant="${utc}"><figure>${body}<figcaption>
<time datetime="${utc}">${escape(local)}</time> <span class="utc">${escape(utc)}</span>
<label><span class="skip">Download command</span><input readonly value="${escape(command)}" aria-label="Command to download the span around ${escape(local)}"></label>
</figcaption></figure></li>
`;
}

/** The end of the document. */
export function sheetEnd(): string {
  return `</ol></main>
<footer><p>Made by kvs-clip images. Pictures are inlined; this file needs no network and no JavaScript.</p></footer>
</body></html>
`;
}
