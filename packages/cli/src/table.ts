/** Aligned plain-text tables for terminal output. */

/** Formats rows (the first is the header) as left-aligned columns separated by two spaces. */
export function formatTable(rows: string[][], rightAlign: ReadonlySet<number> = new Set()): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((v, c) => (rightAlign.has(c) ? v.padStart(widths[c]!) : v.padEnd(widths[c]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
