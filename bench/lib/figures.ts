/**
 * One row of the results table: a figure, what it is compared to, the goal and whether it is met.
 * `data` carries the raw numbers into bench/results/latest.json.
 */

export interface Figure {
  /** e.g. "1", "3b". */
  id: string;
  name: string;
  value: string;
  comparedTo: string;
  goal: string | null;
  /** null: no goal, or not measurable in this run. */
  met: boolean | null;
  data: Record<string, unknown>;
}

/** A plain-text table (also valid as the body of a Markdown table when `markdown` is set). */
export function formatTable(figures: readonly Figure[], markdown = false): string {
  const head = ["#", "figure", "value", "compared to", "goal", "met"];
  const rows = figures.map((f) => [
    f.id,
    f.name,
    f.value,
    f.comparedTo,
    f.goal ?? "-",
    f.met === null ? "-" : f.met ? "yes" : "NO",
  ]);
  if (markdown) {
    const line = (r: string[]) => `| ${r.join(" | ")} |`;
    return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
export const ratio = (median: number, min: number, max: number) =>
  `${median.toFixed(2)} (${min.toFixed(2)}-${max.toFixed(2)})`;
