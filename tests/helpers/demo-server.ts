/**
 * The app on the demo data (`npm run seed`), for the design e2e test, the screenshots and the
 * Lighthouse script: a fresh DATA_DIR is seeded by the CLI, then the server starts on it, and the
 * addresses of a post, a report, a memorial and a profile are found by reading the pages a visitor
 * would follow.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { BUN, REPO_ROOT, startServer, type RunningServer } from '@tests/helpers/server'

export const DEMO_MEMBER = { handle: 'amara_whiskers', password: 'nine-lives-demo' }

export interface DemoServer {
  server: RunningServer
  /** The pages worth showing, by name: home, explore, profile, post, finder, report, reportForm, memorial, wall, settings, notifications. */
  pages: Record<string, string>
  stop(): Promise<void>
}

export async function startDemoServer({ users = 20, env: extraEnv = {} }: { users?: number; env?: Record<string, string> } = {}): Promise<DemoServer> {
  // No map tiles: they come from the internet, which tests and CI don't reach (the list is complete without them).
  const env = { MAP_TILE_URL: 'off', ...extraEnv }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'nl-demo-'))
  const seeded = spawnSync(BUN, ['--no-env-file', 'src/cli.ts', 'seed', '--users', String(users)], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 300_000,
  })
  if (seeded.status !== 0) throw new Error(`seeding failed:\n${seeded.stdout}\n${seeded.stderr}`)
  const server = await startServer({ dataDir, env, timeoutMs: 180_000 })
  const firstLink = async (page: string, pattern: RegExp) => {
    const html = await (await fetch(server.url + page)).text()
    const found = html.match(pattern)?.[0]
    if (!found) throw new Error(`no link matching ${pattern} on ${page}`)
    return found
  }
  const pages = {
    home: '/',
    explore: '/explore',
    profile: `/@${DEMO_MEMBER.handle}`,
    post: await firstLink('/explore', /\/posts\/\d+(?=")/),
    finder: '/finder?near=Berlin',
    report: await firstLink('/finder?near=Berlin', /\/finder\/[0-9a-f-]{36}(?=")/),
    reportForm: '/finder/new',
    memorial: await firstLink('/memorials', /\/memorials\/(?!new")[a-z0-9-]+(?=")/),
    wall: '/memorials',
    settings: '/settings',
    notifications: '/notifications',
  }
  return {
    server,
    pages,
    async stop() {
      await server.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
