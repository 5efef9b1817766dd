/**
 * The server: config → infra → app → listen, plus workers and the scheduler, and a graceful
 * shutdown on SIGTERM/SIGINT (stop accepting, finish in-flight requests and jobs, close pools).
 *
 * With WEB_PROCESSES above 1 (PostgreSQL and Redis only), this first process starts the others
 * once it listens: each is the same server on the same port (SO_REUSEPORT; the kernel spreads
 * connections over them), with its own pools, queue workers and scheduler, which are made for
 * several instances anyway. A signal to the first stops them all; if one dies, all stop, so the
 * supervisor restarts a whole server rather than a server one process short.
 */
import type { Subprocess } from 'bun'
import { createApp } from '@/app'
import { scheduleJobs } from '@/background'
import { ConfigError, loadConfig, type Config } from '@/config'
import { createBlobs } from '@/infra/blobs'
import { DataDirBusyError } from '@/infra/data-dir-lock'
import { listenForMetrics } from '@/http/metrics'
import { createLogger, type Logger } from '@/infra/log'
import { collectProcessMetrics, disableMetrics } from '@/infra/metrics'
import { firstProcessMetrics, otherProcessMetrics, type FirstProcessMetrics } from '@/infra/metrics-processes'
import { openInfra } from '@/infra/open'
import { createQueue } from '@/infra/queue'
import { createScheduler } from '@/infra/scheduler'
import type { Jobs } from '@/jobs'

async function main(): Promise<void> {
  const config = configOrExit()
  const log = createLogger(config)
  if (config.metrics.enabled) collectProcessMetrics()
  else disableMetrics()
  const metrics = isFirstProcess ? firstProcessMetrics() : null
  const gatherMetrics = metrics ? metrics.gather : otherProcessMetrics()
  const startedAt = performance.now()
  const infra = await openInfra(config, log, 'the Nine Lives server').catch((error) => exitOnKnown(error, log))
  const queue = createQueue<Jobs>({ store: infra.store, name: 'main', log, concurrency: config.queueConcurrency })
  const blobs = createBlobs(config)
  const { app, services } = createApp({ config, log, ...infra, queue, blobs }, gatherMetrics)
  const scheduler = createScheduler({ store: infra.store, log })
  scheduleJobs(scheduler, services)
  queue.start()
  app.listen({ port: config.port, reusePort: config.webProcesses > 1 })
  const others = metrics ? startOtherProcesses(config.webProcesses - 1, metrics) : []
  // Only the first process listens here (no SO_REUSEPORT), and its scrape covers the others.
  const metricsListener = metrics ? listenForMetrics(config.metrics, gatherMetrics) : null
  log.info(
    {
      url: config.publicUrl.origin,
      port: config.port,
      database: infra.dbs.kind === 'pglite' ? `embedded PGlite in ${config.pgliteDataDir}` : 'PostgreSQL',
      store: infra.store.kind === 'memory' ? 'in-process (single instance only)' : 'Redis',
      media: blobs.kind === 'local' ? `local files in ${config.mediaDir}, served at /media` : 'S3',
      mail: services.mailer.kind === 'smtp' ? `SMTP at ${services.mailer.destination}` : `.eml files in ${services.mailer.destination}`,
      startupMs: Math.round(performance.now() - startedAt),
      ...(config.webProcesses > 1 && { process: processNumber }),
      ...(metricsListener && { metrics: `http://${config.metrics.host}:${config.metrics.port}/metrics` }),
    },
    'Nine Lives is listening',
  )
  if (services.mailer.kind === 'outbox' && config.production) {
    log.warn({ outbox: services.mailer.destination }, 'SMTP_URL is not set: no mail leaves this server (password resets, verifications); each message is written to the outbox folder')
  }
  // The one address whose forms pass the Origin check; other loopback names redirect to it (src/http/loopback.ts).
  if (isFirstProcess) log.info(`Open ${config.publicUrl.href} in a browser`)
  const stop = onShutdownSignal(config, log, async () => {
    for (const other of others) other.kill('SIGTERM')
    metricsListener?.stop()
    await app.stop() // no new requests; resolves when in-flight ones have finished
    await Promise.all([queue.stop(), scheduler.stop()]) // running jobs finish; embedded: the queue drains
    await infra.close()
    await Promise.all(others.map((other) => other.exited))
  })
  for (const other of others) {
    void other.exited.then((code) => {
      log.info({ pid: other.pid, code }, 'server process exited')
      if (!stop.stopping) stop.now(`server process ${other.pid} exited with ${code}`, 1)
    })
  }
  if (!isFirstProcess) stopWithFirstProcess(stop)
}

/** Set in the processes the first one starts, to their number (2, 3, …). */
const PROCESS_NUMBER_ENV = 'NL_PROCESS_NUMBER'
const processNumber = Number(process.env[PROCESS_NUMBER_ENV] ?? 1)
const isFirstProcess = processNumber === 1

/** Starts the others, each with an IPC channel to this one, over which their metrics come. */
function startOtherProcesses(count: number, metrics: FirstProcessMetrics): Subprocess[] {
  const others = Array.from({ length: count }, (_, i) =>
    Bun.spawn([process.execPath, ...process.argv.slice(1)], {
      env: { ...process.env, [PROCESS_NUMBER_ENV]: String(i + 2) },
      stdio: ['ignore', 'inherit', 'inherit'],
      ipc: (message, subprocess) => metrics.onMessage(message, subprocess),
    }),
  )
  metrics.others.push(...others)
  return others
}

/** The first process killed outright (SIGKILL) cannot stop the others: each notices it is gone. */
function stopWithFirstProcess(stop: Shutdown): void {
  const first = process.ppid
  setInterval(() => {
    if (process.ppid !== first) stop.now('the first process is gone', 1)
  }, 1000).unref()
}

function configOrExit(): Config {
  try {
    return loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(`Configuration error: ${error.message}`)
    process.exit(1)
  }
}

function exitOnKnown(error: unknown, log: Logger): never {
  if (error instanceof DataDirBusyError) {
    console.error(error.message)
    process.exit(1)
  }
  log.fatal({ err: error }, 'could not start')
  process.exit(1)
}

interface Shutdown {
  readonly stopping: boolean
  /** Stops everything for `reason`, then exits with `code`. */
  now(reason: string, code: number): void
}

function onShutdownSignal(config: Config, log: Logger, stopEverything: () => Promise<void>): Shutdown {
  const state = {
    stopping: false,
    now(reason: string, code: number) {
      if (state.stopping) return
      state.stopping = true
      log[code === 0 ? 'info' : 'error']({ reason }, 'shutting down')
      setTimeout(() => {
        log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting')
        process.exit(1)
      }, config.shutdownTimeoutMs).unref()
      void stopEverything().then(() => {
        log.info('stopped')
        process.exit(code)
      })
    },
  }
  process.on('SIGTERM', () => state.now('SIGTERM', 0))
  process.on('SIGINT', () => state.now('SIGINT', 0))
  return state
}

await main()
