import type { ModeComparison } from '../functions/network/mode-cost';

/** The modes side by side as a Markdown-style table: `plan` prints it, the README holds one (cost at 0/100/1000 GB). */
export function formatModeComparison(modes: readonly ModeComparison[]): string[] {
  const rows = modes.map((mode) => [mode.mode, `$${mode.monthlyUsd.toFixed(2)}`, mode.resilience, mode.bandwidth]);
  return markdownTable(['mode', 'a month', 'resilience', 'bandwidth'], rows);
}

function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)];
}

/** The README's table of modes for a network of `azCount` AZs: generated, never typed (test/cli/mode-cost.test.ts). */
export function readmeModeTable(compare: (gbPerMonth: number) => readonly ModeComparison[], azCount: number): string[] {
  const volumes = [0, 100, 1000];
  const priced = volumes.map((gb) => compare(gb));
  const rows = (priced[0] ?? []).map((mode, index) => [
    `\`${mode.mode}\``,
    ...priced.map((atVolume) => `$${(atVolume[index]?.monthlyUsd ?? 0).toFixed(2)}`),
    mode.resilience,
    mode.bandwidth,
    mode.choose,
  ]);
  return markdownTable(['mode', ...volumes.map((gb) => `${azCount} AZs, ${gb} GB`), 'resilience', 'bandwidth ceiling', 'choose it for'], rows);
}
