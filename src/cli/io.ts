import type { Writable } from 'node:stream';

/**
 * The terminal as commands see it: injected so tests can capture output and fake TTY-ness.
 * stdout carries data only (paths, MP4 bytes, the one --json document); stderr carries everything for humans.
 */
export type CliIo = {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Environment variables (never read `process.env` below the CLI). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Current time in epoch ms (KVS_CLIP_NOW in tests). */
  now(): number;
  /** Resolves when the user interrupts (SIGINT/SIGTERM); commands pass it down as an AbortSignal. */
  readonly signal: AbortSignal;
  /**
   * Asks for up to `ms` after SIGTERM/SIGINT before the process exits on its own (`archive --grace` lets in-flight
   * segments finish). Absent in tests.
   */
  readonly extendCancelGrace?: (ms: number) => void;
};
