import type { EmulatedStream } from './emulated-stream.js';

/**
 * The streams an emulator serves, by name and by ARN. Fixed at start-up (the emulator has no CreateStream).
 */
export class StreamStore {
  readonly #byName = new Map<string, EmulatedStream>();
  readonly #byArn = new Map<string, EmulatedStream>();

  /** Throws Error on a duplicate stream name (a configuration mistake). */
  constructor(streams: readonly EmulatedStream[]) {
    for (const stream of streams) {
      if (this.#byName.has(stream.description.name))
        throw new Error(`duplicate stream name "${stream.description.name}"`);
      this.#byName.set(stream.description.name, stream);
      this.#byArn.set(stream.description.arn, stream);
    }
  }

  /** The stream named by StreamName or StreamARN, or undefined. */
  find(ref: { name?: string | undefined; arn?: string | undefined }): EmulatedStream | undefined {
    if (ref.name !== undefined) return this.#byName.get(ref.name);
    if (ref.arn !== undefined) return this.#byArn.get(ref.arn);
    return undefined;
  }

  /** All streams sorted by name (ListStreams pages through this order). */
  list(): EmulatedStream[] {
    return [...this.#byName.values()].sort((a, b) => (a.description.name < b.description.name ? -1 : 1));
  }
}
