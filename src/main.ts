/**
 * The server: config → infra → app → listen, plus workers and the scheduler, and a graceful
 * shutdown on SIGTERM/SIGINT (stop accepting, finish in-flight requests and jobs, close pools).
 */
import { createApp } from '@/app'
import { scheduleJobs } from '@/background'
import { ConfigError, loadConfig, type Config } from '@/config'
import { createBlobs } from '@/infra/blobs'
import { DataDirBusyError } from '@/infra/data-dir-lock'
import { createLogger, type Logger } from '@/infra/log'
import { openInfra } from '@/infra/open'
import { createQueue } from '@/infra/queue'
import { createScheduler } from '@/infra/scheduler'

async function main(): Promise<void> {
  const config = configOrExit()
  const log = createLogger(config)
  const startedAt = performance.now()
  const infra = await openInfra(config, log, 'the Nine Lives server').catch((error) => exitOnKnown(error, log))
  const queue = createQueue({ store: infra.store, name: 'main', log, concurrency: config.queueConcurrency })
  const blobs = createBlobs(config)
  const { app, services } = createApp({ config, log, ...infra, queue, blobs })
  const scheduler = createScheduler({ store: infra.store, log })
  scheduleJobs(scheduler, services)
  queue.start()
  app.listen({ port: config.port })
  log.info(
    {
      url: config.publicUrl.origin,
      port: config.port,
      database: infra.dbs.kind === 'pglite' ? `embedded PGlite in ${config.pgliteDataDir}` : 'PostgreSQL',
      store: infra.store.kind === 'memory' ? 'in-process (single instance only)' : 'Redis',
      media: blobs.kind === 'local' ? `local files in ${config.mediaDir}, served at /media` : 'S3',
      startupMs: Math.round(performance.now() - startedAt),
    },
    'Nine Lives is listening',
  )
  onShutdownSignal(config, log, async () => {
    await app.stop() // no new requests; resolves when in-flight ones have finished
    await Promise.all([queue.stop(), scheduler.stop()]) // running jobs finish; embedded: the queue drains
    await infra.close()
  })
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

function onShutdownSignal(config: Config, log: Logger, stopEverything: () => Promise<void>): void {
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    setTimeout(() => {
      log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting')
      process.exit(1)
    }, config.shutdownTimeoutMs).unref()
    await stopEverything()
    log.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}

await main()
