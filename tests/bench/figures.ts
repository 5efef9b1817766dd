/**
 * How a benchmark hands its figures to the runner (tests/bench/run.ts): one JSON line per call,
 * `{"figures": {"cold-p99": 21, …}}`, appended to the file named in NL_BENCH_RESULTS. Recorded as
 * soon as measured, so the figures of a benchmark that fails half-way still reach the table. Run on
 * its own (no NL_BENCH_RESULTS), a benchmark prints its prose and records nothing.
 *
 * Figure names are the ones tests/bench/benchmarks.ts lists with their targets.
 */
import { appendFileSync } from 'node:fs'

export const RESULTS_FILE_ENV = 'NL_BENCH_RESULTS'

export type Figures = Record<string, number>

export function recordFigures(figures: Figures): void {
  const file = process.env[RESULTS_FILE_ENV]
  if (!file) return
  const finite = Object.fromEntries(Object.entries(figures).filter(([, value]) => Number.isFinite(value)))
  appendFileSync(file, `${JSON.stringify({ figures: finite })}\n`)
}

/** Every figure recorded in a results file, later lines winning. */
export function readFigures(text: string): Figures {
  const figures: Figures = {}
  for (const line of text.split('\n')) {
    if (line.trim()) Object.assign(figures, (JSON.parse(line) as { figures: Figures }).figures)
  }
  return figures
}
