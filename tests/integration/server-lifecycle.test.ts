// The server as an operator runs it: `bun src/main.ts` in embedded mode, one owner of DATA_DIR,
// and a graceful stop on SIGTERM.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { BUN, REPO_ROOT, startServer, type RunningServer } from '@tests/helpers/server'

let server: RunningServer
const dataDir = mkdtempSync(path.join(tmpdir(), 'nl-lifecycle-'))

// A cold embedded start (PGlite cluster + migrations) takes seconds, more on a busy machine.
beforeAll(async () => {
  server = await startServer({ dataDir })
}, 60_000)

afterAll(async () => {
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

function cli(args: string[], dataDir: string) {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }
  return spawnSync(BUN, ['--no-env-file', 'src/cli.ts', ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 })
}

describe('the embedded server', () => {
  test('logs which adapters it chose and the address to open, as JSON with a request id on each request line', async () => {
    await fetch(`${server.url}/`)
    const logLines = () => server.output().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    // The access line is written after the response has gone out: give the pipe a moment.
    for (let tries = 0; tries < 40 && !logLines().some((line) => line.msg === 'request'); tries++) await Bun.sleep(50)
    const lines = logLines()
    const listening = lines.find((line) => line.msg === 'Nine Lives is listening')!
    expect(String(listening.database)).toContain('embedded PGlite')
    expect(String(listening.store)).toContain('in-process')
    expect(lines.map((line) => line.msg)).toContain(`Open ${server.url}/ in a browser`)
    const access = lines.find((line) => line.msg === 'request' && line.path === '/')!
    expect(access.reqId).toMatch(/^[0-9a-f-]{36}$/)
    expect(access.status).toBe(200)
  })

  test('CLI commands refuse to open its DATA_DIR while it runs', () => {
    const result = cli(['make-admin', 'someone'], server.dataDir)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`${server.dataDir} is in use by the Nine Lives server`)
  })

  test('a second server on the same DATA_DIR refuses to start', async () => {
    await expect(startServer({ dataDir, timeoutMs: 30_000 })).rejects.toThrow(/in use by the Nine Lives server/)
  })

  test('SIGTERM stops it cleanly within 10 s and frees DATA_DIR for the CLI', async () => {
    const startedAt = performance.now()
    const code = await server.stop()
    expect(code).toBe(0)
    expect(performance.now() - startedAt).toBeLessThan(10_000)
    expect(existsSync(path.join(dataDir, 'server.pid'))).toBe(false)
    const result = cli(['make-admin', 'nobody_at_all'], dataDir)
    expect(result.stderr).toContain('No account has the handle "nobody_at_all"')
    expect(result.status).toBe(1)
  })
})

describe.skipIf(!process.env.DATABASE_URL || !process.env.REDIS_URL)('with WEB_PROCESSES=2 (PostgreSQL and Redis)', () => {
  const logLines = (output: string) => output.trim().split('\n').flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : []))

  test('two processes serve the same port, and SIGTERM to the first stops both cleanly', async () => {
    const pair = await startServer({ inheritServices: true, env: { WEB_PROCESSES: '2', LOG_LEVEL: 'info' } })
    try {
      for (let tries = 0; tries < 100 && logLines(pair.output()).filter((line) => line.msg === 'Nine Lives is listening').length < 2; tries++) await Bun.sleep(100)
      const listening = logLines(pair.output()).filter((line) => line.msg === 'Nine Lives is listening')
      expect(listening.map((line) => line.process).sort()).toEqual([1, 2])
      const statuses = await Promise.all(Array.from({ length: 40 }, () => fetch(`${pair.url}/healthz`).then((response) => response.status)))
      expect(new Set(statuses)).toEqual(new Set([200]))
    } finally {
      expect(await pair.stop()).toBe(0)
    }
    const exited = logLines(pair.output()).find((line) => line.msg === 'server process exited')
    expect(exited).toMatchObject({ code: 0 })
  }, 60_000)
})
