/**
 * Starts the real server (`bun src/main.ts`) as a child process, the way an operator would, for
 * browser tests (tests/e2e) and benchmarks (tests/bench). Integration tests don't need this: they
 * call the app in-process (tests/helpers/context.ts).
 *
 * By default the child runs in embedded mode on a fresh temporary DATA_DIR, whatever the parent's
 * environment says: the service variables are stripped and Bun's automatic `.env` loading is off,
 * so a developer's `.env` or CI's DATABASE_URL never switches the mode behind a test's back.
 * Pass `env` (e.g. `{ DATABASE_URL }`) or `inheritServices: true` to run against real services.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { constants, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** The pinned Bun from the npm `bun` package, so this works on a machine without a global Bun. */
export const BUN = path.join(REPO_ROOT, 'node_modules/.bin/bun')
/**
 * The variables `npm start` gives the server unless already set (`NAME=${NAME:-value}` in the
 * checkout's package.json: the allocator's MIMALLOC_PURGE_DELAY, docs/configuration.md), so tests and
 * benchmarks run it as production does.
 */
function npmStartDefaults(tree: string): Record<string, string> {
  const packageJson = JSON.parse(readFileSync(path.join(tree, 'package.json'), 'utf8')) as { scripts: { start: string } }
  const defaults = packageJson.scripts.start.matchAll(/(\w+)=\$\{\1:-([^}]*)\}/g)
  return Object.fromEntries([...defaults].map(([, name, value]) => [name!, value!]))
}

/** Variables that switch an adapter out of embedded mode (docs/architecture.md, "Two run modes"). */
const SERVICE_VARS = [
  /^DATABASE_URL$/,
  /^(ACCOUNTS|SOCIAL|FINDER|MEMORIALS)_DATABASE_URL$/,
  /^REDIS_URL$/,
  /^REDIS_KEY_PREFIX$/,
  /^S3_/,
  /^MEDIA_PUBLIC_URL$/,
  /^PGLITE_DATA_DIR$/,
  /^CDN_PURGE_URL$/,
  /^SMTP_URL$/,
]
/** Set by startServer itself; a stray value in the parent must not leak into the child. */
const OWN_VARS = ['PORT', 'DATA_DIR', 'PUBLIC_URL']

export interface StartServerOptions {
  /** Extra env for the child; wins over everything else. `undefined` removes a variable. */
  env?: Record<string, string | undefined>
  /** Pass the parent's DATABASE_URL/REDIS_URL/S3_* through instead of forcing embedded mode. */
  inheritServices?: boolean
  /** Use this DATA_DIR (kept after stop), e.g. to measure a warm start. Default: a fresh temp dir, removed on stop. */
  dataDir?: string
  /**
   * The checkout whose `src/main.ts` runs, with its own node_modules (Bun included) and package.json:
   * another worktree, to measure an older commit with this one's benchmarks. Default: this one.
   */
  tree?: string
  /** Default: a free port on 127.0.0.1. */
  port?: number
  /** How long to wait for /healthz to answer 200. Default 60 s (a cold embedded start runs migrations). */
  timeoutMs?: number
  /**
   * Where the child's stdout/stderr go: 'capture' keeps the last 256 KB for error messages (default);
   * 'inherit' also copies them to ours (or set NL_SERVER_OUTPUT=inherit); `{ file }` writes them
   * straight to a file, so a benchmark's access log costs neither process a pipe (output() reads it back).
   */
  output?: 'capture' | 'inherit' | { file: string }
}

export interface RunningServer {
  /** Origin of the server, e.g. http://127.0.0.1:41234 (also its PUBLIC_URL, so the Origin check passes). */
  url: string
  port: number
  dataDir: string
  pid: number
  /** Milliseconds from spawn to the first 200 from /healthz. */
  startupMs: number
  /** What the child printed so far (the last 256 KB). */
  output(): string
  /** SIGTERM, then wait for exit (SIGKILL after 15 s: the server's own shutdown limit is 10 s). Resolves to the exit code. */
  stop(): Promise<number | null>
}

const OUTPUT_LIMIT = 256 * 1024
const running = new Set<ChildProcess>()

// A test runner that dies or bails must not leave servers holding ports and data dirs.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const port = options.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  const ownDataDir = !options.dataDir
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'nl-server-'))
  const tree = options.tree ?? REPO_ROOT
  const bun = path.join(tree, 'node_modules/.bin/bun')
  const env = childEnv(options, tree, { PORT: String(port), DATA_DIR: dataDir, PUBLIC_URL: url })
  const mode = options.output ?? (process.env.NL_SERVER_OUTPUT === 'inherit' ? 'inherit' : 'capture')

  const startedAt = performance.now()
  const logFd = typeof mode === 'object' ? openSync(mode.file, 'a') : null
  // --no-env-file: the child gets exactly `env`, not whatever a .env in the repo adds to it.
  const child = spawn(bun, ['--no-env-file', 'src/main.ts'], {
    cwd: tree,
    env,
    stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe'],
  })
  if (logFd !== null) closeSync(logFd) // the child has its own copy
  running.add(child)

  let piped = ''
  let spawnError = ''
  const collect = (target: NodeJS.WriteStream) => (chunk: Buffer) => {
    piped = (piped + chunk.toString('utf8')).slice(-OUTPUT_LIMIT)
    if (mode === 'inherit') target.write(chunk)
  }
  child.stdout?.on('data', collect(process.stdout))
  child.stderr?.on('data', collect(process.stderr))
  const output = () => (typeof mode === 'object' ? tail(mode.file) : piped) + spawnError

  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      // Shell convention: killed by a signal → 128 + its number.
      resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : null))
    })
    child.once('error', (error) => {
      spawnError = `\n[startServer] could not spawn ${bun}: ${error.message}\n`
      running.delete(child)
      resolve(null)
    })
  })
  let exitCode: number | null | undefined
  void exited.then((code) => (exitCode = code))

  const cleanup = () => {
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true })
  }
  const stop = async (): Promise<number | null> => {
    if (exitCode === undefined) {
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(killer)
    }
    cleanup()
    return exitCode ?? null
  }

  const timeoutMs = options.timeoutMs ?? 60_000
  const deadline = startedAt + timeoutMs
  while (true) {
    if (exitCode !== undefined) {
      cleanup()
      throw new Error(`server exited with code ${exitCode} before /healthz answered\n${describe(output())}`)
    }
    if (await healthy(url)) break
    if (performance.now() > deadline) {
      await stop()
      throw new Error(`server did not answer ${url}/healthz with 200 within ${timeoutMs} ms\n${describe(output())}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }

  return {
    url,
    port,
    dataDir,
    pid: child.pid!,
    startupMs: Math.round(performance.now() - startedAt),
    output,
    stop,
  }
}

/** The parent's env minus anything that would change the mode, plus ours, plus the caller's. */
function childEnv(options: StartServerOptions, tree: string, own: Record<string, string>): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env }
  for (const name of Object.keys(env)) {
    if (OWN_VARS.includes(name)) delete env[name]
    else if (!options.inheritServices && SERVICE_VARS.some((pattern) => pattern.test(name))) delete env[name]
  }
  for (const [name, value] of Object.entries(npmStartDefaults(tree))) env[name] ??= value
  Object.assign(env, own)
  // Against a shared Redis, each server gets its own key prefix so parallel runs never meet.
  if (options.inheritServices && env.REDIS_URL && !env.REDIS_KEY_PREFIX) {
    env.REDIS_KEY_PREFIX = `nl:server:${process.pid}-${own.PORT}:`
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })
    await response.arrayBuffer()
    return response.status === 200
  } catch {
    return false // not listening yet
  }
}

/** Asks the OS for a free port. Another process could take it before the server binds; rare on a test box. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-OUTPUT_LIMIT)
  } catch {
    return ''
  }
}

function describe(output: string): string {
  return output.trim() ? `--- server output ---\n${output.trimEnd()}\n--- end of server output ---` : '(the server printed nothing)'
}
