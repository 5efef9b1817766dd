import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { BENCHMARKS, share, type Benchmark } from '@tests/bench/benchmarks'
import { readFigures } from '@tests/bench/figures'
import { figureValues, replaceTable, resultsTable, statusOf, TABLE_END, TABLE_START, type BenchmarkRun } from '@tests/bench/report'

const memorial: Benchmark = {
  name: 'memorials',
  script: 'memorials.ts',
  about: '',
  args: [],
  quickArgs: [],
  timeoutMinutes: { full: 1, quick: 1 },
  figures: [
    { id: 'floor-rps', label: 'floor', unit: 'req/s' },
    { id: 'cached-rps', label: 'cached memorial', unit: 'req/s' },
    { id: 'cached-share-of-floor', label: 'cached / floor', unit: 'share', target: { op: '≥', value: 0.35 }, derive: share('cached-rps', 'floor-rps') },
    { id: 'uncached-p99', label: 'uncached p99', unit: 'ms', target: { op: '<', value: 20 } },
    { id: 'old-share', label: 'cached / trivial', unit: 'share', target: { op: '≥', value: 0.5, old: true }, derive: share('cached-rps', 'trivial-rps') },
  ],
}

const run = (side: string, round: number, values: Record<string, number>): BenchmarkRun => ({ benchmark: 'memorials', side, round, values, failure: null, seconds: 1 })

describe('benchmark results', () => {
  test('a target is met or not by its own comparison, an old one says so, and a figure not measured is not run', () => {
    expect(statusOf(0.35, { op: '≥', value: 0.35 })).toBe('met')
    expect(statusOf(0.34, { op: '≥', value: 0.35 })).toBe('not met')
    expect(statusOf(30, { op: '<', value: 30 })).toBe('not met')
    expect(statusOf(29, { op: '<', value: 30 })).toBe('met')
    expect(statusOf(14 * 1024, { op: '≤', value: 14 * 1024 })).toBe('met')
    expect(statusOf(0.45, { op: '≥', value: 0.5, old: true })).toBe('not met (old target)')
    expect(statusOf(undefined, { op: '<', value: 30 })).toBe('not run')
    expect(statusOf(12, undefined)).toBe('(no target)')
  })

  test('shares are worked out from the recorded rates, and a share of a rate not recorded is left out', () => {
    const values = figureValues(memorial, readFigures('{"figures":{"floor-rps":40000}}\n{"figures":{"cached-rps":16000,"uncached-p99":12}}\n'))
    expect(values.get('cached-share-of-floor')).toBeCloseTo(0.4)
    expect(values.get('uncached-p99')).toBe(12)
    expect(values.has('old-share')).toBe(false)
  })

  test('the table shows each measured figure, and every target even when it was not measured', () => {
    const table = resultsTable([memorial], [run('main@abc', 1, { 'floor-rps': 40000, 'cached-rps': 12000, 'cached-share-of-floor': 0.3 })], ['main@abc'])
    const rows = table.split('\n')
    expect(rows.find((row) => row.includes('cached / floor'))).toMatch(/\| 0\.30 +\| ≥ 0\.35 +\| not met/)
    expect(rows.find((row) => row.includes('uncached p99'))).toMatch(/\| — +\| < 20 ms +\| not run/)
    expect(rows.find((row) => row.includes('| floor '))).toMatch(/40,000 req\/s .*\(no target\)/)
  })

  test('two trees in rounds: the median of each side, its rounds beside it, and a change past 5 % from the baseline flagged as worse', () => {
    const runs = [
      run('main@new', 1, { 'uncached-p99': 10 }),
      run('old@old', 1, { 'uncached-p99': 12 }),
      run('old@old', 2, { 'uncached-p99': 11 }),
      run('main@new', 2, { 'uncached-p99': 14 }),
      run('main@new', 3, { 'uncached-p99': 13 }),
      run('old@old', 3, { 'uncached-p99': 30 }),
    ]
    const row = resultsTable([memorial], runs, ['main@new', 'old@old']).split('\n').find((line) => line.includes('uncached p99'))!
    expect(row).toContain('13 ms; 10, 14, 13')
    expect(row).toContain('12 ms; 12, 11, 30')
    expect(row).toContain('+8.3 % worse') // this checkout's 13 ms against the baseline's 12
    expect(row).toContain('met / met')
    const faster = resultsTable([memorial], [run('a', 1, { 'uncached-p99': 10 }), run('b', 1, { 'uncached-p99': 11 })], ['a', 'b'])
    expect(faster).toContain('−9.1 %')
    expect(faster).not.toContain('worse')
    // A rate is the other way round: fewer requests a second is worse.
    const fewer = resultsTable([memorial], [run('a', 1, { 'floor-rps': 90 }), run('b', 1, { 'floor-rps': 100 })], ['a', 'b'])
    expect(fewer).toContain('−10.0 % worse')
  })

  test('only the table between the markers is rewritten', () => {
    const document = `# Benchmarks\n\nBefore.\n\n${TABLE_START}\nold table\n${TABLE_END}\n\nAfter, with ${TABLE_START.length} words.\n`
    const rewritten = replaceTable(document, '| new | table |\n')
    expect(rewritten).toBe(`# Benchmarks\n\nBefore.\n\n${TABLE_START}\n| new | table |\n${TABLE_END}\n\nAfter, with ${TABLE_START.length} words.\n`)
    expect(replaceTable(rewritten, 'again')).toContain(`${TABLE_START}\nagain\n${TABLE_END}`)
    expect(() => replaceTable('# Benchmarks without markers\n', 'x')).toThrow('no <!-- bench:table:start -->')
  })

  test('every benchmark in the list has its script, and each figure it records is recorded by that script', () => {
    for (const benchmark of BENCHMARKS) {
      const script = readFileSync(path.join(import.meta.dir, '../bench', benchmark.script), 'utf8')
      expect(script).toContain('recordFigures(')
      // CatFinder's figures carry the size in front (`1000000.centre-new-p99`); its script writes `${size}.centre-new-p99`.
      const names = benchmark.figures.filter((figure) => !figure.derive).map((figure) => figure.id.replace(/^\d+\./, ''))
      expect({ benchmark: benchmark.name, notRecorded: names.filter((name) => !script.includes(`${name}'`) && !script.includes(`${name}\``)) }).toEqual({ benchmark: benchmark.name, notRecorded: [] })
      expect(new Set(benchmark.figures.map((figure) => figure.id)).size).toBe(benchmark.figures.length)
    }
  })
})
