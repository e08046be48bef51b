/**
 * What the progressive writer needs from its output: an append position, positioned writes, and a durability point.
 * `OutputFile` is the local-file implementation; a destination that sends bytes on as they come (an S3 multipart
 * upload, docs/s3.md) implements it too, holding back the head region that is patched at the end (ftyp, the room
 * reserved for moov, the mdat header). Such a sink is not `rewritable`: when moov does not fit its room, the writer
 * appends it after the payload instead of rewriting the file (docs/joiner.md, "Output layouts").
 */
export type PositionedSink = {
  /** Named in messages (a path, or an s3:// URI). */
  readonly path: string;
  /** The append position: bytes laid out so far. */
  readonly position: number;
  /** Whether the whole output can be read back and rewritten moov-first (a local file). */
  readonly rewritable: boolean;
  /** Appends `bytes`; the sink is done with them when this resolves, so the caller may reuse the buffer. */
  append(bytes: Uint8Array): Promise<void>;
  /** Appends `chunks` back to back, with the same buffer contract as `append`. */
  appendMany(chunks: readonly Uint8Array[]): Promise<void>;
  /**
   * Writes at `position`: at the append position, or a patch of bytes already laid out (the head); same buffer
   * contract as `append` (the moov writer reuses one buffer for the table blocks it reads back).
   */
  writeAt(bytes: Uint8Array, position: number): Promise<void>;
  /** Moves the append position forward without writing (the moov room: a hole that reads as zeros). */
  skipTo(position: number): void;
  /** Makes everything written so far durable: a checkpoint may name this position afterwards. */
  datasync(): Promise<void>;
  close(): Promise<void>;
};

/** Opens the sink of a join: fresh (`resumeAt` null) or continued at a checkpoint's committed bytes. */
export type OpenPositionedSink = (resumeAt: number | null) => Promise<PositionedSink>;
