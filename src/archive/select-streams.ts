// Which streams `kvs-clip archive` works on: names, --prefix (from ListStreams) and --streams-file. Pure.
import { UsageError } from '../errors/usage-error.js';

// KVS stream names: 1-256 characters of [a-zA-Z0-9_.-].
const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,256}$/;

/** What the user asked for; `listed` holds ListStreams' names for `--prefix` and `fileText` the --streams-file. */
export type StreamSelection = {
  readonly names: readonly string[];
  readonly prefix?: string;
  readonly listed?: readonly string[];
  readonly fileText?: string;
  readonly fileName?: string;
};

/**
 * The streams to archive: explicit names, the listed names that start with `prefix`, and the file's names
 * (one a line; blank lines and `#` comments ignored), without duplicates, sorted so every run and every shard
 * sees the same order. Throws UsageError for an invalid name (with the file's line number) or an empty selection
 * without --prefix (a prefix that matches nothing yet is fine under --follow: new streams are picked up).
 */
export function selectStreams(selection: StreamSelection): string[] {
  const chosen = new Set<string>();
  for (const name of selection.names) chosen.add(checkedName(name, 'stream name'));
  if (selection.fileText !== undefined) {
    selection.fileText.split(/\r?\n/).forEach((line, i) => {
      const name = line.replace(/#.*$/, '').trim();
      if (name !== '') chosen.add(checkedName(name, `${selection.fileName ?? '--streams-file'}:${i + 1}`));
    });
  }
  if (selection.prefix !== undefined) {
    const prefix = selection.prefix;
    for (const name of selection.listed ?? []) if (name.startsWith(prefix)) chosen.add(name);
  } else if (chosen.size === 0) {
    throw new UsageError('E_USAGE', 'archive needs streams: STREAM…, --prefix P or --streams-file F');
  }
  return [...chosen].sort();
}

function checkedName(name: string, where: string): string {
  if (!STREAM_NAME.test(name)) {
    throw new UsageError('E_USAGE', `${where}: "${name}" is not a KVS stream name (1-256 of a-z A-Z 0-9 _ . -)`);
  }
  return name;
}
