import { listWindow } from '../../clip/list-window.js';
import { createKvsSession } from '../../kvs/kvs-session.js';
import { summariseCoverage } from '../../plan/summarise-coverage.js';
import { describeWindow } from '../../time/describe-window.js';
import { formatDuration } from '../../time/format-duration.js';
import { formatInstant } from '../../time/format-instant.js';
import { resolveWindow } from '../../time/resolve-window.js';
import type { ListOptions } from '../commands/list.js';
import type { CliIo } from '../io.js';
import { coverageBarWidth, renderCoverageBar } from '../render/coverage-bar.js';
import { formatBytes } from '../../text/format-bytes.js';
import { jsonSpan, type ListJsonResult } from '../render/json.js';
import { createStatusLine, listingText } from '../render/status-line.js';
import { openKvsClients } from './open-kvs-clients.js';
import { count } from '../../text/count.js';
import { withoutKeptParts } from '../../errors/remote-error.js';

/**
 * `kvs-clip list`: resolve the window, ListFragments (all pages, paced and retried as `get` does), summarise into continuous spans and
 * gaps. Human mode echoes the window on stderr and prints the span table on stdout. Throws NotFoundError for an
 * unknown stream and the other mapped KvsClipErrors; an empty window is not an error here (it is what list is for).
 */
export async function runList(options: ListOptions, io: CliIo): Promise<ListJsonResult> {
  const { time, mode } = options;
  const window = resolveWindow(time, { nowMs: io.now(), timeZone: time.tz });
  if (!mode.quiet && !mode.json)
    io.stderr.write(`${describeWindow(window, { timeZone: time.tz, selector: time.selector })}\n`);
  const connection = await openKvsClients(options.aws, io);
  // A page counter on a terminal while the listing runs (`list --since 40h` takes a while); none with -q or --json.
  const status = createStatusLine(io, mode.progress);
  const startedMs = io.now();
  try {
    const fragments = await listWindow(
      {
        stream: options.stream,
        download: options.download,
        ...(options.streamArn === undefined ? {} : { streamArn: options.streamArn }),
      },
      { range: window, selector: time.selector },
      {
        nowMs: () => io.now(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        random: Math.random,
        openSession: (sessionOptions) => createKvsSession(connection.clients, sessionOptions),
        emit: (event) => {
          if (event.type === 'list-page') status.show(listingText(event.page, io.now() - startedMs));
          if (event.type !== 'retry' || mode.quiet || mode.json) return;
          status.clear();
          io.stderr.write(`${event.message}\n`);
        },
        signal: io.signal,
      },
    ).catch((error: unknown) => {
      // list downloads no parts: its failure hints must not promise kept ones.
      throw withoutKeptParts(error);
    });
    status.clear();
    const coverage = summariseCoverage(fragments, { selector: time.selector, window });
    const result: ListJsonResult = {
      command: 'list',
      stream: options.stream,
      window: { ...jsonSpan(window.startMs, window.endMs), tz: time.tz },
      selector: time.selector,
      spans: coverage.spans.map((span) => ({
        ...jsonSpan(span.startMs, span.endMs),
        fragments: span.fragmentCount,
        bytes: span.sizeBytes,
      })),
      gaps: coverage.gaps.map((gap) => jsonSpan(gap.startMs, gap.endMs)),
      fragments: coverage.fragmentCount,
      bytes: coverage.sizeBytes,
      mediaDurationMs: coverage.durationMs,
    };
    if (!mode.json && options.chart)
      io.stdout.write(
        renderCoverageBar(window, { spans: coverage.spans, width: coverageBarWidth(process.stdout.columns) }),
      );
    if (!mode.json) io.stdout.write(coverageTable(coverage));
    return result;
  } finally {
    status.clear();
    await connection.close();
  }
}

function coverageTable(coverage: ReturnType<typeof summariseCoverage>): string {
  if (coverage.spans.length === 0) return 'No fragments in the window\n';
  const rows: string[][] = [['', 'START', 'END', 'DURATION', 'FRAGMENTS', 'SIZE']];
  coverage.spans.forEach((span, index) => {
    const gap = coverage.gaps[index - 1];
    if (index > 0 && gap !== undefined) {
      rows.push(['gap', formatInstant(gap.startMs), formatInstant(gap.endMs), formatDuration(gap.durationMs), '', '']);
    }
    rows.push([
      'media',
      formatInstant(span.startMs),
      formatInstant(span.endMs),
      formatDuration(span.durationMs),
      String(span.fragmentCount),
      formatBytes(span.sizeBytes),
    ]);
  });
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  lines.push(
    `Total ${formatDuration(coverage.durationMs)} of media in ${count(coverage.spans.length, 'span')}, ${count(coverage.gaps.length, 'gap')}, ` +
      `${count(coverage.fragmentCount, 'fragment')}, ${formatBytes(coverage.sizeBytes)}`,
  );
  return `${lines.join('\n')}\n`;
}
