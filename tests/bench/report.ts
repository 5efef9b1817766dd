/**
 * The runner's table: each listed figure's value against its target, per side and round when
 * trees are compared, and the rewrite of the table in docs/benchmarks.md between its markers.
 * Pure functions (tests/unit/bench-report.test.ts).
 */
import type { Benchmark, FigureSpec, Target, Unit } from '@tests/bench/benchmarks'
import type { Figures } from '@tests/bench/figures'

export const TABLE_START = '<!-- bench:table:start -->'
export const TABLE_END = '<!-- bench:table:end -->'

/** How far worse than the other side a figure may be before the comparison flags it (issue 17). */
export const WORSE_THAN_ALLOWED = 0.05

/** A benchmark's recorded figures with the derived ones worked out: the value of every listed figure it has. */
export function figureValues(benchmark: Benchmark, recorded: Figures): Map<string, number> {
  const values = new Map<string, number>()
  for (const figure of benchmark.figures) {
    const value = figure.derive ? figure.derive(recorded) : recorded[figure.id]
    if (value !== undefined && Number.isFinite(value)) values.set(figure.id, value)
  }
  return values
}

export type Status = 'met' | 'not met' | 'met (old target)' | 'not met (old target)' | '(no target)' | 'not run'

export function statusOf(value: number | undefined, target: Target | undefined): Status {
  if (!target) return '(no target)'
  if (value === undefined) return 'not run'
  const met = target.op === '≥' ? value >= target.value : target.op === '<' ? value < target.value : value <= target.value
  if (target.old) return met ? 'met (old target)' : 'not met (old target)'
  return met ? 'met' : 'not met'
}

export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'req/s':
    case '/s':
      return `${thousands(Math.round(value))} ${unit}`
    case 'ms':
      return `${value < 10 ? round(value, value < 1 ? 2 : 1) : thousands(Math.round(value))} ms`
    case 's':
      return `${round(value, value < 10 ? 2 : 1)} s`
    case 'share':
      return round(value, 2)
    case 'bytes':
      return `${thousands(Math.round(value))} B`
    case 'MB':
      return `${thousands(Math.round(value))} MB`
    case 'count':
      return thousands(Math.round(value))
  }
}

export function formatTarget(target: Target | undefined, unit: Unit): string {
  if (!target) return '—'
  // Targets are round numbers: `< 2 s`, not `< 2.00 s`.
  const value = unit === 'share' ? String(target.value) : Number.isInteger(target.value) ? `${thousands(target.value)} ${unit === 'bytes' ? 'B' : unit}` : formatValue(target.value, unit)
  return `${target.op} ${value}${target.old ? ' (old)' : ''}`
}

/** Whether a larger value is the better one: rates and shares up, times and sizes down. */
export function higherIsBetter(figure: FigureSpec): boolean {
  if (figure.target) return figure.target.op === '≥'
  return figure.unit === 'req/s' || figure.unit === '/s' || figure.unit === 'share'
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** One run of one benchmark on one side. */
export interface BenchmarkRun {
  benchmark: string
  side: string
  round: number
  /** Listed figures only, derived ones included. */
  values: Record<string, number>
  /** Why it stopped early (exit code, time limit), or null. */
  failure: string | null
  seconds: number
}

/**
 * The table of one side, or of two sides compared: a row per listed figure that was measured, plus
 * every figure with a target (shown as not run when it was not). A side's value is the median of
 * its rounds, its rounds listed beside it when there were several.
 */
export function resultsTable(benchmarks: readonly Benchmark[], runs: readonly BenchmarkRun[], sides: readonly string[]): string {
  const rounds = new Set(runs.map((run) => run.round)).size
  const header = ['benchmark', 'figure']
  for (const side of sides) header.push(sides.length > 1 ? `${side}${rounds > 1 ? ' (median; rounds)' : ''}` : rounds > 1 ? 'value (median; rounds)' : 'value')
  if (sides.length === 2) header.push(`${sides[0]} vs ${sides[1]}`)
  header.push('target', sides.length > 1 ? `met (${sides.join(' / ')})` : 'met')

  const rows: string[][] = []
  for (const benchmark of benchmarks) {
    const ran = runs.filter((run) => run.benchmark === benchmark.name)
    if (ran.length === 0) continue
    for (const figure of benchmark.figures) {
      const perSide = sides.map((side) => ran.filter((run) => run.side === side && figure.id in run.values).map((run) => run.values[figure.id]!))
      const medians = perSide.map((values) => median(values))
      if (!figure.target && medians.every((value) => value === undefined)) continue
      const row = [benchmark.name, `${figure.label}${figure.thisCheckout && sides.length > 1 ? ' †' : ''}`]
      perSide.forEach((values, i) => {
        const middle = medians[i]
        const cell = middle === undefined ? '—' : formatValue(middle, figure.unit)
        row.push(rounds > 1 && values.length > 0 ? `${cell}; ${values.map((value) => formatValue(value, figure.unit).replace(/ .*/, '')).join(', ')}` : cell)
      })
      if (sides.length === 2) row.push(change(figure, medians[0], medians[1]))
      row.push(formatTarget(figure.target, figure.unit), figure.target ? medians.map((value) => statusOf(value, figure.target)).join(' / ') : '(no target)')
      rows.push(row)
    }
  }
  const failed = runs.filter((run) => run.failure)
  const table = markdownTable(header, rows)
  if (failed.length === 0) return table
  const notes = failed.map((run) => `- ${run.benchmark} (${run.side}, round ${run.round}) stopped: ${run.failure}`)
  return `${table}\n\n${notes.join('\n')}`
}

/**
 * The first side (this checkout) against the second (`--tree`, the baseline), in per cent, and
 * `worse` past the allowed 5 %.
 */
function change(figure: FigureSpec, first: number | undefined, second: number | undefined): string {
  if (first === undefined || second === undefined || second === 0) return '—'
  const relative = (first - second) / second
  const worse = higherIsBetter(figure) ? -relative : relative
  const text = `${relative >= 0 ? '+' : '−'}${Math.abs(100 * relative).toFixed(1)} %`
  return worse > WORSE_THAN_ALLOWED && !figure.thisCheckout ? `${text} worse` : text
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n')
}

/**
 * `document` with what lies between the table markers replaced by `block`; throws when the markers
 * are missing or out of order, so a mangled document is never half-rewritten.
 */
export function replaceTable(document: string, block: string): string {
  const start = document.indexOf(TABLE_START)
  const end = document.indexOf(TABLE_END)
  if (start < 0 || end < start) throw new Error(`the document has no ${TABLE_START} … ${TABLE_END} pair`)
  return `${document.slice(0, start + TABLE_START.length)}\n${block.trim()}\n${document.slice(end)}`
}

function thousands(value: number): string {
  return value.toLocaleString('en-GB')
}

function round(value: number, digits: number): string {
  return value.toFixed(digits)
}
