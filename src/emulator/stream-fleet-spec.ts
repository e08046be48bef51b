import { parseStreamSpec, type StreamSpec } from './stream-spec.js';

/** Most streams one range may produce: a typo such as cam[1-100000] should fail, not eat the machine. */
const MAX_FLEET = 10_000;

/**
 * Parses a `--stream` value whose name may hold one numeric range, so a fleet is one flag:
 * `cam[1-50]=h264_aac,live` serves cam1 … cam50 with the same options; `cam[01-50]` pads to the width of the
 * first bound (cam01 … cam50). A name without brackets is one stream. Throws RangeError like parseStreamSpec.
 */
export function parseStreamFleetSpec(text: string): StreamSpec[] {
  const eq = text.indexOf('=');
  const head = eq < 0 ? text : text.slice(0, eq);
  const range = /^([^[\]]*)\[(\d+)-(\d+)\]([^[\]]*)$/.exec(head);
  if (range === null) return [parseStreamSpec(text)];
  const [, before = '', fromText = '', toText = '', after = ''] = range;
  const from = Number(fromText);
  const to = Number(toText);
  if (to < from) throw new RangeError(`stream range [${fromText}-${toText}] runs backwards`);
  if (to - from + 1 > MAX_FLEET)
    throw new RangeError(`stream range [${fromText}-${toText}] exceeds ${MAX_FLEET} streams`);
  const width = fromText.startsWith('0') ? fromText.length : 0;
  const rest = text.slice(eq);
  const specs: StreamSpec[] = [];
  for (let n = from; n <= to; n += 1) {
    specs.push(parseStreamSpec(`${before}${String(n).padStart(width, '0')}${after}${rest}`));
  }
  return specs;
}
