/**
 * The fixed floor every request-rate share is measured against (issue 28): a bare Elysia
 * hello-world, the same Bun and Elysia as the app (this checkout's node_modules), one process on
 * loopback, answering `GET /healthz` with the same two bytes as the app's trivial route, no
 * compression, no logging, no middleware. The app's own trivial route moves when the app changes;
 * this does not, so a share against it means the same thing from one run to the next.
 *
 * `npm run bench` starts one for the whole run and hands its URL to every benchmark in
 * NL_BENCH_FLOOR_URL; a benchmark run on its own starts its own (`floorUrl`).
 *
 * Also a CLI: `bun tests/bench/floor-server.ts` prints `{"port": …}` once listening.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { Elysia } from 'elysia'
import { BUN } from '@tests/helpers/server'

export interface FloorServer {
  /** e.g. http://127.0.0.1:41234; the floor's route is `${url}/healthz`. */
  url: string
  stop(): Promise<void>
}

/** Starts the floor in a process of its own, so it shares no event loop with the benchmark. */
export async function startFloorServer(): Promise<FloorServer> {
  const child = spawn(BUN, ['--no-env-file', import.meta.path], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const firstLine = await Promise.race([
    new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve)),
    exited.then(() => {
      throw new Error('the floor server exited before listening')
    }),
  ])
  const { port } = JSON.parse(firstLine) as { port: number }
  // A benchmark that dies must not leave the floor holding a port.
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      process.off('exit', kill)
      child.kill('SIGTERM')
      await exited
    },
  }
}

/**
 * The floor's origin for a benchmark: the runner's (NL_BENCH_FLOOR_URL), or one started now and
 * stopped by `stop`.
 */
export async function floorUrl(): Promise<FloorServer> {
  const given = process.env.NL_BENCH_FLOOR_URL
  if (given) return { url: given, stop: () => Promise.resolve() }
  return startFloorServer()
}

if (import.meta.main) {
  const app = new Elysia().get('/healthz', () => 'ok').listen({ port: 0, hostname: '127.0.0.1' })
  console.log(JSON.stringify({ port: app.server!.port }))
  process.once('SIGTERM', () => {
    void app.stop().then(() => process.exit(0))
  })
}
