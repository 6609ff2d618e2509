/** One row of the benchmark table: what was measured, the figure, and the target it is held to. */
export interface BenchRow {
	benchmark: string;
	result: string;
	target?: string;
	/** Whether the figure meets its target; undefined where there is no target. */
	ok?: boolean;
}

/** Prints rows as a Markdown table, so the output can go straight into an issue note. */
export function printTable(rows: readonly BenchRow[]): void {
	const header = ['benchmark', 'result', 'target', 'meets'];
	const lines = rows.map((row) => [row.benchmark, row.result, row.target ?? '', row.ok === undefined ? '' : row.ok ? 'yes' : 'NO']);
	const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
	const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
	console.log(format(header));
	console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
	for (const line of lines) console.log(format(line));
}

/** Formats bytes as kilobytes with one decimal. */
export function kb(bytes: number): string {
	return `${(bytes / 1024).toFixed(1)} KB`;
}
