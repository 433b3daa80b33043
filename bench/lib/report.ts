// The bench report: rows with ratio and verdict, the printed table, and the machine the numbers came from.
import { cpus, loadavg, release } from "node:os";
import { describeTarget, meetsTarget } from "./targets.ts";
import type { Row } from "./types.ts";

export interface ReportRow {
  metric: string;
  unit: string;
  direct: number | null;
  doppel: number;
  /** doppel / direct; null without a direct number. */
  ratio: number | null;
  target: string | null;
  met: boolean | null;
  note: string | null;
}

export interface CaseReport {
  name: string;
  summary: string;
  seconds: number;
  rows: ReportRow[];
  /** Why the case produced no rows. */
  error?: string;
}

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  kernel: string;
  node: string;
  date: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export function machineFacts(): MachineFacts {
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    kernel: release(),
    node: process.version,
    date: new Date().toISOString(),
    loadAverageAtStart: loadavg(),
  };
}

export function reportRow(row: Row): ReportRow {
  const direct = row.direct ?? null;
  return {
    metric: row.metric,
    unit: row.unit,
    direct,
    doppel: row.doppel,
    ratio: direct ? row.doppel / direct : null,
    target: row.target ? describeTarget(row.target, row.unit) : null,
    met: meetsTarget(row) ?? null,
    note: row.note ?? null,
  };
}

function number(value: number | null): string {
  if (value === null) return "–";
  if (Math.abs(value) >= 1000) return value.toFixed(0);
  return value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
}

/** One table of every row, then the notes and any failed case. */
export function formatTable(cases: readonly CaseReport[], machine: MachineFacts): string {
  const header = ["case", "metric", "direct", "doppel", "ratio", "target", "met?"];
  const lines: string[][] = [];
  for (const c of cases) {
    for (const row of c.rows) {
      lines.push([
        c.name,
        `${row.metric} (${row.unit})`,
        number(row.direct),
        number(row.doppel),
        row.ratio === null ? "–" : row.ratio.toFixed(2),
        row.target ?? "",
        row.met === null ? "" : row.met ? "met" : "NOT MET",
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const numeric = new Set([2, 3, 4]);
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  const out = [
    `${machine.date}  ${machine.cores} cores (${machine.cpuModel}), node ${machine.node}, load average at start ${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(" ")}${machine.loadAverageAtEnd ? `, at end ${machine.loadAverageAtEnd.map((l) => l.toFixed(2)).join(" ")}` : ""}`,
    "",
    format(header),
    format(widths.map((w) => "-".repeat(w))),
    ...lines.map(format),
  ];
  const notes = cases.flatMap((c) => c.rows.filter((r) => r.note).map((r) => `  ${c.name} / ${r.metric}: ${r.note}`));
  if (notes.length > 0) out.push("", "notes:", ...notes);
  const failed = cases.filter((c) => c.error);
  if (failed.length > 0) out.push("", "failed cases:", ...failed.map((c) => `  ${c.name}: ${c.error}`));
  return `${out.join("\n")}\n`;
}
