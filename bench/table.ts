/** One printed figure: what it is, its value, the target it is held to (if any), and whether it meets it. */
export interface Row {
  readonly section: string;
  readonly figure: string;
  readonly value: string;
  readonly target?: string;
  readonly met?: boolean;
}

export function formatTable(rows: readonly Row[]): string {
  const header = ['Figure', 'Value', 'Target', ''];
  const cells = rows.map((row) => [row.figure, row.value, row.target ?? '-', row.met === undefined ? '' : row.met ? 'met' : 'MISSED']);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column]!.length)));
  const line = (cell: readonly string[]) => cell.map((text, column) => text.padEnd(widths[column]!)).join('  ').trimEnd();
  const out: string[] = [line(header), widths.map((width) => '-'.repeat(width)).join('  ')];
  let section = '';
  rows.forEach((row, index) => {
    if (row.section !== section) {
      section = row.section;
      out.push('', `## ${section}`);
    }
    out.push(line(cells[index]!));
  });
  return out.join('\n');
}

export const seconds = (ms: number, digits = 1): string => `${(ms / 1000).toFixed(digits)} s`;
export const usd = (value: number): string => `$${value < 0.01 ? value.toFixed(5) : value.toFixed(4)}`;
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
