import { formatBytes } from '../../text/format-bytes.js';
import { formatDuration } from '../../time/format-duration.js';
import { uploadText, type UploadFigures } from './upload-progress.js';

/** What progress shows besides the byte fraction (the bar and the plain progress lines alike). */
export type ProgressState = {
  readonly bytes: number;
  /** Σ FragmentSizeInBytes of the plan (GetClip may not send Content-Length). */
  readonly plannedBytes: number;
  readonly partsDone: number;
  readonly parts: number;
  readonly mediaDoneMs: number;
  readonly mediaTotalMs: number;
  /** With `-o s3://…`, once the first part is sent: the upload's own bytes, rate and ETA. */
  readonly upload?: UploadFigures | undefined;
};

type Figures = {
  readonly fraction: number;
  readonly percent: string;
  readonly bytes: string;
  readonly parts: string;
  readonly media: string;
  readonly rate: string;
  readonly eta: string;
  readonly upload: string | undefined;
};

/** The narrowest bar worth drawing; below it the bar goes and the figures stay. */
const MIN_BAR = 8;
const MAX_BAR = 24;
/** Dropped in this order when the terminal is narrow; percent, rate and ETA always stay. */
const OPTIONAL = ['media', 'parts', 'upload', 'bytes'] as const;
type Optional = (typeof OPTIONAL)[number];

/**
 * The progress bar's line for a terminal `columns` wide: the bar, percent, bytes, parts, media time, rate, ETA and
 * (S3) the upload. A narrow terminal drops media time first, then parts, the upload and the bytes, and narrows the
 * bar; percent, rate and ETA are always shown (a 50-column terminal keeps them). Pure.
 */
export function barLine(state: ProgressState, elapsedMs: number, columns: number): string {
  const figures = figuresOf(state, elapsedMs);
  const width = Math.max(columns - 1, 20);
  for (let drop = 0; drop <= OPTIONAL.length; drop++) {
    const text = figuresText(figures, new Set(OPTIONAL.slice(0, drop)));
    const room = width - text.length - 1;
    if (room >= MIN_BAR) return `${graphic(figures.fraction, Math.min(MAX_BAR, room))} ${text}`;
  }
  return figuresText(figures, new Set(OPTIONAL)).slice(0, width);
}

/**
 * The bar's line for an upload alone (`join -o s3://…`, whose only progress is its upload): the bar, the percent of
 * the planned bytes sent, then the upload's bytes, rate and ETA; a narrow terminal narrows the bar first. Pure.
 */
export function uploadBarLine(state: ProgressState, _elapsedMs: number, columns: number): string {
  const fraction = state.plannedBytes > 0 ? Math.min(state.bytes / state.plannedBytes, 1) : 0;
  const text = `${Math.floor(fraction * 100)}% upload ${uploadText(state.upload)}`;
  const width = Math.max(columns - 1, 20);
  const room = width - text.length - 1;
  return room >= MIN_BAR ? `${graphic(fraction, Math.min(MAX_BAR, room))} ${text}` : text.slice(0, width);
}

/** One plain progress line (`--progress lines`, the default off a terminal): every figure, no bar. Pure. */
export function progressLine(state: ProgressState, elapsedMs: number): string {
  const f = figuresOf(state, elapsedMs);
  const upload = f.upload === undefined ? '' : `, upload ${f.upload}`;
  return `Progress ${f.percent} ${f.bytes}, part ${f.parts}, ${f.media}, ${f.rate}, ETA ${f.eta}${upload}`;
}

/**
 * The percent shown for the download, 0..100: 100 only once every part is done. Before that it stops at 99: the
 * planned bytes are the listing's fragment sizes, and GetClip bodies carry MP4 boxes on top (about 4.5 % more on
 * the emulator's H.264 stream), so the byte fraction reaches 100 % while the last part is still arriving. Pure.
 */
export function shownPercent(state: ProgressState): number {
  if (state.parts > 0 && state.partsDone >= state.parts) return 100;
  const fraction = state.plannedBytes > 0 ? state.bytes / state.plannedBytes : 0;
  return Math.max(0, Math.min(Math.floor(fraction * 100), 99));
}

function figuresOf(state: ProgressState, elapsedMs: number): Figures {
  const percent = shownPercent(state);
  const fraction = percent / 100;
  const speed = state.bytes / Math.max(elapsedMs / 1000, 0.001);
  const etaS = speed > 0 ? Math.max(state.plannedBytes - state.bytes, 0) / speed : Number.NaN;
  return {
    fraction,
    percent: `${percent}%`,
    bytes: `${formatBytes(state.bytes)}/${formatBytes(state.plannedBytes)}`,
    parts: `${state.partsDone}/${state.parts}`,
    media: `${formatDuration(state.mediaDoneMs)} of ${formatDuration(state.mediaTotalMs)}`,
    rate: `${formatBytes(speed)}/s`,
    eta: !Number.isFinite(etaS) ? '?' : etaS <= 0 ? '0s' : formatDuration(Math.ceil(etaS) * 1000),
    upload: state.upload === undefined ? undefined : uploadText(state.upload),
  };
}

function figuresText(f: Figures, dropped: ReadonlySet<Optional>): string {
  const head = dropped.has('bytes') ? f.percent : `${f.percent} ${f.bytes}`;
  return [
    head,
    dropped.has('parts') ? undefined : `part ${f.parts}`,
    dropped.has('media') ? undefined : f.media,
    f.rate,
    `ETA ${f.eta}`,
    dropped.has('upload') || f.upload === undefined ? undefined : `upload ${f.upload}`,
  ]
    .filter((text) => text !== undefined)
    .join(' | ');
}

function graphic(fraction: number, width: number): string {
  const done = Math.round(fraction * width);
  return `${'█'.repeat(done)}${'░'.repeat(width - done)}`;
}
