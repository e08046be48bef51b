import type { CliIo } from '../io.js';

/** One line at the bottom of a terminal, rewritten in place; `clear` removes it before anything else is printed. */
export type StatusLine = { show(text: string): void; clear(): void };

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Feedback while a long listing runs (`Listing fragments ⠹ page 12, 3s`): on a terminal only (the caller decides,
 * OutputMode.progress), cut to its width, the spinner turning once per call of `show`. A no-op for `enabled` false.
 */
export function createStatusLine(io: CliIo, enabled: boolean): StatusLine {
  let shown = false;
  let turn = 0;
  return {
    show(text) {
      if (!enabled) return;
      const columns = (io.stderr as { columns?: unknown }).columns;
      const width = (typeof columns === 'number' && columns > 0 ? columns : 80) - 1;
      const frame = SPINNER[turn++ % SPINNER.length] ?? '';
      io.stderr.write(`\r${`${frame} ${text}`.slice(0, width)}\u001b[K`);
      shown = true;
    },
    clear() {
      if (!shown) return;
      io.stderr.write('\r\u001b[K');
      shown = false;
    },
  };
}

/** `Listing fragments: page 12 (3s)` for the page about to be requested. */
export function listingText(page: number, elapsedMs: number): string {
  return `Listing fragments: page ${page} (${Math.floor(elapsedMs / 1000)}s)`;
}
