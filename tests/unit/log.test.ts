// Development logs read as lines of text in a terminal, and stay JSON wherever a program reads them.
import { describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { BUN, REPO_ROOT } from '@tests/helpers/server'

/** Logs one line from a fresh process, its stdout a pseudo-terminal (through `script`) or a pipe. */
function logOneLine({ terminal, nodeEnv }: { terminal: boolean; nodeEnv: string }): string {
  const program = `import { createLogger } from '@/infra/log'; import { loadConfig } from '@/config'; createLogger(loadConfig()).info({ cat: 'Mochi' }, 'hello')`
  const command = [BUN, '--no-env-file', '-e', program]
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: nodeEnv, NO_COLOR: '1' }
  const quoted = command.map((part) => `'${part.replaceAll("'", `'\\''`)}'`).join(' ')
  const result = terminal
    ? spawnSync('script', ['-qec', quoted, '/dev/null'], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 20_000 })
    : spawnSync(command[0]!, command.slice(1), { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 20_000 })
  if (result.status !== 0) throw new Error(`exited ${result.status}: ${result.stderr}`)
  return result.stdout.replaceAll('\r', '')
}

describe('log output', () => {
  test('in development on a terminal, one line of text: time, level, message, then its fields', () => {
    const output = logOneLine({ terminal: true, nodeEnv: 'development' })
    expect(output).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: hello \{"cat":"Mochi"\}\n$/)
  })

  test('piped, JSON lines', () => {
    const line = JSON.parse(logOneLine({ terminal: false, nodeEnv: 'development' }).trim()) as Record<string, unknown>
    expect(line).toMatchObject({ msg: 'hello', cat: 'Mochi', level: 30 })
  })

  test('in production, JSON lines even on a terminal', () => {
    const output = logOneLine({ terminal: true, nodeEnv: 'production' })
    expect(JSON.parse(output.trim())).toMatchObject({ msg: 'hello', cat: 'Mochi' })
  })
})
