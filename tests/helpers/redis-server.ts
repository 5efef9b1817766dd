/**
 * A redis-server of a test's own, on a loopback port, that the test may stop and start again (the
 * machine's Redis is shared and never stopped). No persistence: a restart starts empty unless
 * `appendonly` is asked for (fsync on every write), as a drill that must find its queues again does.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort } from '@tests/helpers/server'

export interface OwnRedis {
  url: string
  port: number
  pid(): number | undefined
  /** SIGKILL (like a crash) or SIGTERM, then wait for the process to be gone. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>
  /** Starts it again on the same port; resolves once it accepts connections. */
  start(): Promise<void>
  /** Stops it for good and removes its folder. */
  close(): Promise<void>
}

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

export async function startOwnRedis(options: { port?: number; appendonly?: boolean } = {}): Promise<OwnRedis> {
  const port = options.port ?? (await freePort())
  const dir = mkdtempSync(path.join(tmpdir(), 'nl-redis-'))
  let child: ChildProcess | null = null

  async function start(): Promise<void> {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--appendonly', options.appendonly ? 'yes' : 'no', '--appendfsync', 'always']
    child = spawn('redis-server', args, { stdio: 'ignore' })
    running.add(child)
    const started = child
    started.once('exit', () => running.delete(started))
    const until = Date.now() + 10_000
    while (!(await accepts(port))) {
      if (Date.now() > until || started.exitCode !== null) throw new Error(`redis-server did not start on port ${port}`)
      await Bun.sleep(20)
    }
  }

  async function stop(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    const stopping = child
    child = null
    if (!stopping || stopping.exitCode !== null) return
    const exited = new Promise((resolve) => stopping.once('exit', resolve))
    stopping.kill(signal)
    await exited
  }

  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => child?.pid,
    stop,
    start,
    async close() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
