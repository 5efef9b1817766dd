/**
 * `npm run bench -- all` runs every benchmark of tests/bench/benchmarks.ts one after another on
 * PostgreSQL + Redis (DATABASE_URL, REDIS_URL) and prints one table: each figure, its target, met
 * or not. docs/benchmarks.md says what each measures and how to read it.
 *
 *   npm run bench -- all | <name>[,<name>…] [flags] [-- flags for the scripts]
 *     --quick        smaller sizes and shorter loads, for a check within minutes
 *     --only a,b     just these benchmarks (also: name them instead of `all`)
 *     --tree DIR     app servers from another checkout (e.g. a worktree of an older commit)
 *     --rounds N     N rounds; with --tree, alternating between this checkout and DIR
 *     --metrics-off  this checkout with METRICS=off beside it (with --rounds, in turn): what the metrics cost
 *     --rebuild      make the data sets again instead of reusing them
 *     --verbose      show each benchmark's own output as it runs (always kept in the run's log files)
 *     --no-write     leave docs/benchmarks.md alone
 *
 * The runner starts the floor (tests/bench/floor-server.ts) once, for every share in the run; makes
 * or finds each benchmark's data sets before the first round; runs each benchmark in a process
 * group of its own with a time limit, and stops the whole group (servers, load generator) when it
 * ends, fails or overruns. A full `all` on this checkout rewrites the table in docs/benchmarks.md
 * between its markers, and nothing else there.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { BENCHMARKS, benchmarkNamed, type Benchmark } from '@tests/bench/benchmarks'
import { readFigures, RESULTS_FILE_ENV, type Figures } from '@tests/bench/figures'
import { startFloorServer, type FloorServer } from '@tests/bench/floor-server'
import { removeLeftovers } from '@tests/bench/leftovers'
import { figureValues, replaceTable, resultsTable, type BenchmarkRun } from '@tests/bench/report'
import { APP_TREE_ENV, METRICS_OFF_ENV } from '@tests/bench/run-server'
import { BUN, REPO_ROOT } from '@tests/helpers/server'

const DOCS_FILE = path.join(REPO_ROOT, 'docs/benchmarks.md')
/** After SIGTERM, how long a benchmark's processes get to stop before SIGKILL (the server allows itself 10 s). */
const STOP_GRACE_MS = 15_000

interface Options {
  benchmarks: Benchmark[]
  all: boolean
  quick: boolean
  tree: string | null
  metricsOff: boolean
  rounds: number
  rebuild: boolean
  verbose: boolean
  write: boolean
  scriptArgs: string[]
}

/** A checkout whose app servers a run measures. */
interface Side {
  label: string
  /** null: this checkout. */
  tree: string | null
  /** `--metrics-off`: the app servers run with METRICS=off (tests/bench/run-server.ts). */
  metricsOff?: boolean
}

const options = parseOptions(process.argv.slice(2))
const services = { baseUrl: process.env.DATABASE_URL ?? '', redisUrl: process.env.REDIS_URL ?? '' }
if (!services.baseUrl || !services.redisUrl) {
  console.error('npm run bench needs PostgreSQL and Redis: set DATABASE_URL (any database on the server; each benchmark makes its own) and REDIS_URL, e.g.')
  console.error('  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench -- all')
  process.exit(2)
}

const runDir = mkdtempSync(path.join(tmpdir(), 'nl-bench-run-'))
const startedAt = new Date()
// How busy the machine was: on shared cores it moves every figure, so the table says it.
const loadAtStart = loadavg()[0] ?? 0
const here: Side = { label: sideLabel(REPO_ROOT), tree: null }
const other: Side | null = options.tree
  ? { label: sideLabel(options.tree), tree: options.tree }
  : options.metricsOff
    ? { label: `${here.label}, METRICS=off`, tree: null, metricsOff: true }
    : null
if (other && other.label === here.label) other.label += ' (--tree)'
// --tree alone measures that checkout; with --rounds, both in turn.
const sides = other ? (options.rounds > 1 ? [here, other] : [other]) : [here]

/** Benchmarks whose data sets could not be made: left out of the rounds. */
const failedToPrepare = new Set<string>()
let current: RunningBenchmark | null = null
let floor: FloorServer | null = null
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping`)
    void Promise.all([current?.stop(), floor?.stop()]).finally(() => process.exit(130))
  })
}

console.log(
  `Nine Lives benchmarks: ${options.benchmarks.map((benchmark) => benchmark.name).join(', ')}${options.quick ? ' (quick)' : ''}; ` +
    `${sides.map((side) => side.label).join(' and ')}${options.rounds > 1 ? `, ${options.rounds} rounds` : ''}; logs in ${runDir}`,
)
floor = await startFloorServer()
const runs: (BenchmarkRun & { recorded: Figures })[] = []
let prepareSeconds = 0
try {
  prepareSeconds = await prepareDataSets()
  const ready = options.benchmarks.filter((benchmark) => !failedToPrepare.has(benchmark.name))
  for (let round = 1; round <= options.rounds; round++) {
    // Alternate which side goes first, so a drift in the machine falls on both alike.
    const order = round % 2 === 1 ? sides : [...sides].reverse()
    for (const side of order) {
      for (const benchmark of ready) runs.push(await runBenchmark(benchmark, side, round))
      if (options.rounds > 1) {
        console.log(`\nround ${round}, ${side.label}:\n${resultsTable(ready, runs.filter((run) => run.round === round && run.side === side.label), [side.label])}\n`)
      }
    }
  }
} finally {
  await floor.stop()
}

const totalSeconds = (Date.now() - startedAt.getTime()) / 1000
const table = resultsTable(options.benchmarks, runs, sides.map((side) => side.label))
const notes = [
  sides.length > 1 ? `† this checkout's code on both sides (the floor, and what runs in the benchmark's own process): its change is the machine's.` : '',
  `Whole run ${minutes(totalSeconds)}${prepareSeconds >= 1 ? ` (data sets ${minutes(prepareSeconds)})` : ''}; ${availableParallelism()} cores, ${machineLoad()}.`,
].filter(Boolean)
console.log(`\n${table}\n\n${notes.join('\n')}`)
writeFileSync(path.join(runDir, 'results.json'), JSON.stringify({ startedAt, commit: commitOf(REPO_ROOT), tree: options.tree, argv: process.argv.slice(2), runs }, null, 2))
console.log(`All figures (also those not in the table): ${path.join(runDir, 'results.json')}`)
if (shouldWriteDocs()) writeDocsTable(table, totalSeconds)
process.exit(runs.some((run) => run.failure) || failedToPrepare.size > 0 ? 1 : 0)

// ---------------------------------------------------------------------------------------------------

function parseOptions(args: string[]): Options {
  const separator = args.indexOf('--')
  const own = separator >= 0 ? args.slice(0, separator) : args
  const scriptArgs = separator >= 0 ? args.slice(separator + 1) : []
  const valueOf = (name: string) => {
    const at = own.indexOf(name)
    if (at < 0) return undefined
    const value = own[at + 1]
    if (value === undefined || value.startsWith('--')) usage(`${name} needs a value`)
    own.splice(at, 2)
    return value
  }
  const only = valueOf('--only')
  const tree = valueOf('--tree')
  const rounds = Number(valueOf('--rounds') ?? 1)
  const switches = new Set(['--quick', '--rebuild', '--verbose', '--no-write', '--metrics-off'])
  const positional = own.filter((arg) => !switches.has(arg))
  const unknown = positional.filter((arg) => arg.startsWith('-'))
  if (unknown.length > 0) usage(`unknown flag ${unknown.join(', ')} (flags for the scripts go after --)`)
  if (positional.length > 1) usage(`one of "all" or a list of names, not ${positional.join(' ')}`)
  if (positional.length === 0 && !only) usage()
  if (!Number.isInteger(rounds) || rounds < 1) usage('--rounds takes a whole number of at least 1')
  if (tree !== undefined && own.includes('--metrics-off')) usage('--tree or --metrics-off, not both')

  const names = [positional[0] === 'all' || positional[0] === undefined ? null : positional[0].split(','), only ? only.split(',') : null]
  const unknownNames = names.flat().filter((name): name is string => name !== null && !benchmarkNamed(name))
  if (unknownNames.length > 0) usage(`no benchmark named ${unknownNames.join(', ')}`)
  const benchmarks = BENCHMARKS.filter((benchmark) => names.every((list) => list === null || list.includes(benchmark.name)))
  if (tree !== undefined && !existsSync(path.join(tree, 'src/main.ts'))) usage(`--tree ${tree}: no src/main.ts there`)
  if (tree !== undefined && !existsSync(path.join(tree, 'node_modules/.bin/bun'))) usage(`--tree ${tree}: no node_modules/.bin/bun there (run npm ci in it)`)
  return {
    benchmarks,
    all: benchmarks.length === BENCHMARKS.length,
    quick: own.includes('--quick'),
    tree: tree === undefined ? null : path.resolve(tree),
    metricsOff: own.includes('--metrics-off'),
    rounds,
    rebuild: own.includes('--rebuild'),
    verbose: own.includes('--verbose'),
    write: !own.includes('--no-write'),
    scriptArgs,
  }
}

function usage(problem?: string): never {
  if (problem) console.error(`npm run bench: ${problem}\n`)
  const width = Math.max(...BENCHMARKS.map((benchmark) => benchmark.name.length))
  console.log('usage: npm run bench -- all | <name>[,<name>…] [--quick] [--only a,b] [--tree DIR | --metrics-off] [--rounds N] [--rebuild] [--verbose] [--no-write] [-- script flags]\n')
  for (const benchmark of BENCHMARKS) console.log(`  ${benchmark.name.padEnd(width)}  ${benchmark.about}`)
  console.log('\ndocs/benchmarks.md explains each figure and target.')
  process.exit(problem ? 2 : 0)
}

/** Every data set the run needs, made or found by the benchmarks themselves (`--prepare`). */
async function prepareDataSets(): Promise<number> {
  const started = Date.now()
  for (const benchmark of options.benchmarks) {
    if (!benchmark.prepareArgs) continue
    const args = [...argsFor(benchmark), ...benchmark.prepareArgs, ...(options.rebuild ? ['--rebuild'] : [])]
    log(`${benchmark.name}: data sets${options.rebuild ? ' (made again)' : ''}…`)
    const outcome = await runScript(benchmark, args, here, `prepare-${benchmark.name}`, benchmark.timeoutMinutes.full)
    if (outcome.failure) {
      failedToPrepare.add(benchmark.name)
      log(`${benchmark.name}: its data sets failed (${outcome.failure}); it is left out. Log: ${outcome.logFile}`)
      printTail(outcome.logFile)
    }
  }
  return (Date.now() - started) / 1000
}

async function runBenchmark(benchmark: Benchmark, side: Side, round: number): Promise<BenchmarkRun & { recorded: Figures }> {
  const rounds = options.rounds > 1 ? `, round ${round}/${options.rounds}` : ''
  log(`${benchmark.name} (${side.label}${rounds})…`)
  const name = `${round}-${slug(side.label)}-${benchmark.name}`
  const timeout = options.quick ? benchmark.timeoutMinutes.quick : benchmark.timeoutMinutes.full
  const outcome = await runScript(benchmark, argsFor(benchmark), side, name, timeout)
  const recorded = existsSync(outcome.resultsFile) ? readFigures(readFileSync(outcome.resultsFile, 'utf8')) : {}
  if (outcome.failure) {
    log(`${benchmark.name} stopped: ${outcome.failure}. Log: ${outcome.logFile}`)
    printTail(outcome.logFile)
  } else log(`${benchmark.name} done in ${minutes(outcome.seconds)}`)
  return {
    benchmark: benchmark.name,
    side: side.label,
    round,
    values: Object.fromEntries(figureValues(benchmark, recorded)),
    failure: outcome.failure,
    seconds: Math.round(outcome.seconds),
    recorded,
  }
}

function argsFor(benchmark: Benchmark): string[] {
  // The caller's flags first: the scripts take the first of a repeated flag.
  return [...options.scriptArgs, ...(options.quick ? benchmark.quickArgs : benchmark.args)]
}

interface ScriptOutcome {
  failure: string | null
  seconds: number
  logFile: string
  resultsFile: string
}

interface RunningBenchmark {
  stop(): Promise<void>
}

/** Runs a benchmark's script in a process group of its own and stops the group when it is done. */
async function runScript(benchmark: Benchmark, args: string[], side: Side, name: string, timeoutMinutes: number): Promise<ScriptOutcome> {
  const logFile = path.join(runDir, `${name}.log`)
  const resultsFile = path.join(runDir, `${name}.jsonl`)
  const started = Date.now()
  const env: Record<string, string | undefined> = { ...process.env, [RESULTS_FILE_ENV]: resultsFile, NL_BENCH_FLOOR_URL: floor!.url }
  if (side.tree) env[APP_TREE_ENV] = side.tree
  else delete env[APP_TREE_ENV]
  if (side.metricsOff) env[METRICS_OFF_ENV] = '1'
  else delete env[METRICS_OFF_ENV]
  // detached: the script leads a new process group, so its servers and load generators can be
  // stopped with it in one signal, and a Ctrl-C at the terminal reaches the runner alone.
  const child = spawn(BUN, [path.join(import.meta.dir, benchmark.script), ...args], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const logStream = createWriteStream(logFile)
  logStream.write(`$ bun tests/bench/${benchmark.script} ${args.join(' ')}${side.tree ? `   (${APP_TREE_ENV}=${side.tree})` : ''}\n`)
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      logStream.write(chunk)
      if (options.verbose) process.stdout.write(chunk)
    })
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)))
    child.once('error', () => resolve(null))
  })
  let timedOut = false
  const stop = async () => {
    signalGroup(child.pid!, 'SIGTERM')
    const killer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), STOP_GRACE_MS)
    await exited
    clearTimeout(killer)
  }
  current = { stop }
  const timer = setTimeout(() => {
    timedOut = true
    void stop()
  }, timeoutMinutes * 60_000)
  const code = await exited
  clearTimeout(timer)
  current = null
  await stopLeftovers(child.pid!)
  const failure = timedOut ? `over its limit of ${timeoutMinutes} min` : code === 0 ? null : `exit ${code}`
  // Also after a clean end: the app servers' own keys (sessions, rate limits) outlive them.
  const removed = await removeLeftovers(child.pid!, services).catch((error: unknown) => [`nothing: ${String(error)}`])
  if (removed.length > 0) logStream.write(`\n[runner] removed what it left: ${removed.join(', ')}\n`)
  await new Promise((resolve) => logStream.end(resolve))
  return { failure, seconds: (Date.now() - started) / 1000, logFile, resultsFile }
}

/** Whatever of the group outlived its leader (a server a crashed script never stopped): TERM, then KILL. */
async function stopLeftovers(group: number): Promise<void> {
  if (!signalGroup(group, 'SIGTERM')) return
  const deadline = Date.now() + STOP_GRACE_MS
  while (Date.now() < deadline && signalGroup(group, 0)) await Bun.sleep(200)
  signalGroup(group, 'SIGKILL')
}

/** Signals every process of a group; false when none is left. */
function signalGroup(group: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-group, signal)
    return true
  } catch {
    return false
  }
}

function printTail(logFile: string): void {
  const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n')
  console.log(lines.slice(-25).map((line) => `    ${line}`).join('\n'))
}

/** A full `all` on this checkout alone is the latest run the document shows. */
function shouldWriteDocs(): boolean {
  return options.write && options.all && !options.quick && !options.tree && options.scriptArgs.length === 0 && runs.some((run) => !run.failure)
}

function writeDocsTable(table: string, seconds: number): void {
  if (!existsSync(DOCS_FILE)) {
    console.log(`${path.relative(REPO_ROOT, DOCS_FILE)} is missing: table not written`)
    return
  }
  const when = startedAt.toISOString().slice(0, 16).replace('T', ' ')
  const rounds = options.rounds > 1 ? `, the median of ${options.rounds} rounds` : ''
  const machine = `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'})`
  const heading = `Run of ${when} UTC, commit \`${commitOf(REPO_ROOT)}\`, ${machine}, ${machineLoad()}, PostgreSQL and Redis on the same machine: \`npm run bench -- all\`${rounds}, ${minutes(seconds)}.`
  writeFileSync(DOCS_FILE, replaceTable(readFileSync(DOCS_FILE, 'utf8'), `${heading}\n\n${table}`))
  console.log(`Table written to ${path.relative(REPO_ROOT, DOCS_FILE)}`)
}

/** The one-minute load average when the run started and now. */
function machineLoad(): string {
  return `load average ${loadAtStart.toFixed(1)} at the start and ${(loadavg()[0] ?? 0).toFixed(1)} at the end`
}

function sideLabel(tree: string): string {
  return `${path.basename(tree)}@${commitOf(tree)}`
}

/** The short commit of a checkout, `+` when it has changes not committed. */
function commitOf(tree: string): string {
  const git = (...args: string[]) => spawnSync('git', ['-C', tree, ...args], { encoding: 'utf8' }).stdout.trim()
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown'
  return git('status', '--porcelain', '--untracked-files=no') ? `${commit}+` : commit
}

function slug(text: string): string {
  return text.replace(/[^a-zA-Z0-9]+/g, '-')
}

function minutes(seconds: number): string {
  const whole = Math.round(seconds)
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`
}

function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`)
}
