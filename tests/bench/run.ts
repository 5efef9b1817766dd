/**
 * `npm run bench -- <name> [flags]` runs one benchmark in its own process; with no name it lists them.
 * Each benchmark measures its own baseline in the same run and prints the ratio (README, Benchmarks).
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { BUN } from '@tests/helpers/server'

/** Helpers of the benchmarks, not benchmarks themselves. */
const NOT_BENCHMARKS = new Set(['run', 'args', 'loadgen', 'run-server', 'push-receiver'])

const benchmarks = readdirSync(import.meta.dir)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => path.basename(file, '.ts'))
  .filter((name) => !NOT_BENCHMARKS.has(name) && !name.startsWith('zz-'))
  .sort()

const [name, ...flags] = process.argv.slice(2)
if (!name || !benchmarks.includes(name)) {
  console.log(`usage: npm run bench -- <${benchmarks.join(' | ')}> [flags]`)
  process.exit(name ? 2 : 0)
}
const { status } = spawnSync(BUN, [path.join(import.meta.dir, `${name}.ts`), ...flags], { stdio: 'inherit' })
process.exit(status ?? 1)
