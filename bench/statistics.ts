/** The nearest-rank percentile of the samples (`fraction` 0.5 = median, 0.95 = p95); NaN when there are none. */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

/** The median, the mean of the two middle samples when their number is even. */
export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Prints a Markdown table with padded columns (what `npm run bench` reads back from every benchmark's output);
 * `alignRight` right-aligns every column but the first (numbers).
 */
export function printMarkdownTable(header: readonly string[], lines: readonly string[][], alignRight = false): void {
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const pad = (cell: string, column: number) => (alignRight && column > 0 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!));
  const format = (cells: readonly string[]): string => `| ${cells.map(pad).join(' | ')} |`;
  console.log(format(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}
