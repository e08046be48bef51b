import { UsageError } from '../errors/usage-error.js';

/** The `-o` default (docs/resume-and-state.md, "Output files"): safe on every file system, sorts by time. */
export const DEFAULT_TEMPLATE = '{stream}_{start:%Y%m%dT%H%M%SZ}_{end:%Y%m%dT%H%M%SZ}.mp4';

/** Values a template can use. Instants are epoch ms and always rendered in UTC. */
export type TemplateFields = {
  stream: string;
  startMs: number;
  endMs: number;
  /** Part number for --split (1-based by convention of the caller). */
  index?: number;
  /** `server` or `producer`. */
  selector?: string;
  /** The sampled instant of one image (`kvs-clip images`), for `{time}`. */
  timeMs?: number;
};

export type TemplateFieldName = 'stream' | 'start' | 'end' | 'date' | 'time' | 'index' | 'part' | 'selector';

type Token = { kind: 'literal'; text: string } | { kind: 'field'; name: TemplateFieldName; format: string | undefined };

const FIELD_NAMES: readonly TemplateFieldName[] = [
  'stream',
  'start',
  'end',
  'date',
  'time',
  'index',
  'part',
  'selector',
];
const TIME_FIELDS = new Set<TemplateFieldName>(['start', 'end', 'date', 'time']);
const STRFTIME = /%(.?)/g;
const STRFTIME_LETTERS = new Set(['Y', 'm', 'd', 'H', 'M', 'S', 'L', 'j', 's', '%']);

function templateError(template: string, problem: string): UsageError {
  return new UsageError('E_USAGE', `Bad output template "${template}": ${problem}`, {
    hint: `fields: {stream} {start:%Y%m%dT%H%M%SZ} {end} {date} {index:03} {selector}; default ${DEFAULT_TEMPLATE}`,
  });
}

function isFieldName(name: string): name is TemplateFieldName {
  return FIELD_NAMES.some((known) => known === name);
}

function checkFormat(template: string, name: TemplateFieldName, format: string | undefined): void {
  if (format === undefined) return;
  if (TIME_FIELDS.has(name)) {
    if (format === '') throw templateError(template, `empty format in {${name}:}`);
    for (const [, letter] of format.matchAll(STRFTIME)) {
      if (letter === undefined || !STRFTIME_LETTERS.has(letter)) {
        throw templateError(
          template,
          `unknown format "%${letter ?? ''}" in {${name}} (use %Y %m %d %H %M %S %L %j %s %%)`,
        );
      }
    }
  } else if (name === 'index' || name === 'part') {
    if (!/^0?[1-9]\d?$/.test(format)) throw templateError(template, `{${name}:${format}} wants a width such as 03`);
  } else {
    throw templateError(template, `{${name}} takes no format`);
  }
}

function parse(template: string): Token[] {
  const tokens: Token[] = [];
  let literal = '';
  for (let i = 0; i < template.length; i += 1) {
    const char = template[i];
    const next = template[i + 1];
    if ((char === '{' && next === '{') || (char === '}' && next === '}')) {
      literal += char;
      i += 1;
    } else if (char === '}') {
      throw templateError(template, `unmatched "}" at position ${i + 1} (write "}}" for a literal brace)`);
    } else if (char === '{') {
      const close = template.indexOf('}', i);
      if (close === -1) throw templateError(template, `unclosed "{" at position ${i + 1}`);
      const body = template.slice(i + 1, close);
      const colon = body.indexOf(':');
      const name = colon === -1 ? body : body.slice(0, colon);
      const format = colon === -1 ? undefined : body.slice(colon + 1);
      if (!isFieldName(name)) throw templateError(template, `unknown field {${name}}`);
      checkFormat(template, name, format);
      if (literal !== '') tokens.push({ kind: 'literal', text: literal });
      literal = '';
      tokens.push({ kind: 'field', name, format });
      i = close;
    } else {
      literal += char;
    }
  }
  if (literal !== '') tokens.push({ kind: 'literal', text: literal });
  if (tokens.length === 0) throw templateError(template, 'it is empty');
  return tokens;
}

/**
 * Makes a substituted value safe as (part of) one path segment: only `[A-Za-z0-9._-]` survive, and leading dots
 * become `_`, so a stream named `../../etc` or `..` can neither climb out of the target directory nor hide a file.
 */
export function sanitizeName(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  return safe === '' ? '_' : safe;
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

function strftime(format: string, ms: number): string {
  const date = new Date(ms);
  const dayOfYear = Math.floor((ms - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  const values: Record<string, string> = {
    Y: pad(date.getUTCFullYear(), 4),
    m: pad(date.getUTCMonth() + 1, 2),
    d: pad(date.getUTCDate(), 2),
    H: pad(date.getUTCHours(), 2),
    M: pad(date.getUTCMinutes(), 2),
    S: pad(date.getUTCSeconds(), 2),
    L: pad(date.getUTCMilliseconds(), 3),
    j: pad(dayOfYear, 3),
    s: String(Math.floor(ms / 1000)),
    '%': '%',
  };
  return format.replace(STRFTIME, (_match, letter: string) => values[letter] ?? '');
}

function renderField(template: string, token: Extract<Token, { kind: 'field' }>, fields: TemplateFields): string {
  switch (token.name) {
    case 'stream':
      return sanitizeName(fields.stream);
    case 'selector':
      if (fields.selector === undefined) throw templateError(template, '{selector} has no value here');
      return sanitizeName(fields.selector);
    case 'start':
      return strftime(token.format ?? '%Y%m%dT%H%M%SZ', fields.startMs);
    case 'end':
      return strftime(token.format ?? '%Y%m%dT%H%M%SZ', fields.endMs);
    case 'date':
      return strftime(token.format ?? '%Y-%m-%d', fields.startMs);
    case 'time':
      if (fields.timeMs === undefined)
        throw templateError(template, '{time} names an image instant: use it with `images`');
      return strftime(token.format ?? '%Y%m%dT%H%M%S.%LZ', fields.timeMs);
    case 'index':
    case 'part':
      if (fields.index === undefined) throw templateError(template, `{${token.name}} is only available with --split`);
      return pad(fields.index, Number(token.format ?? '1'));
  }
}

/**
 * Renders an `-o` template (docs/resume-and-state.md, "Output files") into a relative or absolute path. Time fields use
 * strftime formats in UTC (`{start:%Y%m%dT%H%M%SZ}`); `{index:03}` zero-pads; `{{`/`}}` are literal braces. Substituted
 * names pass through sanitizeName; the template's own `/` make subdirectories. Pure. Throws UsageError `E_USAGE` for an
 * unknown field, an unclosed brace, a bad format, a field without a value (`{index}` without --split), or a result
 * naming a directory.
 */
export function renderTemplate(template: string, fields: TemplateFields): string {
  const rendered = parse(template)
    .map((token) => (token.kind === 'literal' ? token.text : renderField(template, token, fields)))
    .join('');
  if (rendered.endsWith('/')) throw templateError(template, 'it names a directory, not a file');
  return rendered;
}

/** Checks a template's syntax early (before any download); throws like renderTemplate. */
export function checkTemplate(template: string): void {
  parse(template);
}

/** Whether a template uses `field` (`index` also matches `{part}`): --split needs one so part names differ. */
export function templateHasField(template: string, field: TemplateFieldName): boolean {
  const wanted = field === 'index' || field === 'part' ? ['index', 'part'] : [field];
  return parse(template).some((token) => token.kind === 'field' && wanted.includes(token.name));
}
