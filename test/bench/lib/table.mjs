// The results table: figure | kvs-clip | reference | ratio | target | result | note, as GitHub markdown.

/** Renders rows as a markdown table; pass undefined shows "info", a skipped row shows "skip". */
export function renderTable(rows) {
  const header = ['figure', 'kvs-clip', 'reference', 'ratio', 'target', 'result', 'note'];
  const cells = rows.map((r) => [
    r.figure,
    r.kvs,
    r.reference,
    r.ratio,
    r.target,
    r.skip ? 'skip' : r.pass === undefined ? 'info' : r.pass ? 'PASS' : 'FAIL',
    r.note,
  ]);
  const escape = (text) => String(text ?? '').replace(/\|/g, '\\|');
  return [header, header.map(() => '---'), ...cells].map((line) => `| ${line.map(escape).join(' | ')} |`).join('\n');
}
