/**
 * Operator commands: `bun src/cli.ts <command>` (or the npm scripts that call it).
 *
 *   migrate               apply pending migrations to every domain
 *   seed [--users N]      add believable demo members (password: see the output)
 *   seed --reports N      generate N lost/found reports for the benchmark (70 % active), in SQL
 *   seed --feed-benchmark [--scale S]
 *                         generate the feed benchmark's 100,000 members, 1,000,000 posts and
 *                         5,000,000 follows (times S, e.g. 0.01 to try it), in SQL
 *   make-admin <handle>   give an account the admin role
 *   vapid-keys            print a new VAPID key pair for web push, as lines for .env
 *
 * In embedded mode these refuse to run while the server holds DATA_DIR.
 */
import { registerJobHandlers } from '@/background'
import { ConfigError, loadConfig } from '@/config'
import { seedDemoData } from '@/features/demo/seed'
import { FEED_BENCHMARK_SIZE, generateFeedBenchmark } from '@/features/feed/demo'
import { generateReports } from '@/features/finder/demo'
import { newVapidKeys } from '@/features/notifications/vapid'
import { createBlobs } from '@/infra/blobs'
import { DataDirBusyError } from '@/infra/data-dir-lock'
import { createLogger } from '@/infra/log'
import { openInfra } from '@/infra/open'
import { createQueue } from '@/infra/queue'
import type { Jobs } from '@/jobs'
import { createServices } from '@/services'

const USAGE = `usage: bun src/cli.ts <migrate | seed [--users N] | seed --reports N | seed --feed-benchmark [--scale S] | make-admin <handle> | vapid-keys>`

async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args
  if (command === 'vapid-keys') return printVapidKeys()
  if (!command || !['migrate', 'seed', 'make-admin'].includes(command)) {
    console.error(USAGE)
    return 2
  }
  const config = loadConfig()
  const log = createLogger({ ...config, logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel })
  const infra = await openInfra(config, log, `the "${command}" command`)
  // Jobs a command enqueues (a seeded post's fan-out) run before it exits: the in-process queue of
  // the embedded mode would otherwise lose them.
  const queue = createQueue<Jobs>({ store: infra.store, name: 'main', log, concurrency: config.queueConcurrency })
  const services = createServices({ config, log, ...infra, queue, blobs: createBlobs(config) })
  registerJobHandlers(queue, services)
  try {
    if (command === 'migrate') {
      console.log('Migrations are up to date.')
    } else if (command === 'seed' && flag(rest, '--reports')) {
      const count = Number(flag(rest, '--reports'))
      if (!Number.isSafeInteger(count) || count < 1) {
        console.error(USAGE)
        return 2
      }
      const seconds = await generateReports(infra.dbs.finder, { count, gridMetres: config.finder.gridMetres })
      await services.finder.reindexGeo()
      console.log(`Generated ${count} reports in ${seconds.toFixed(0)} s.`)
    } else if (command === 'seed' && rest.includes('--feed-benchmark')) {
      const scale = Number(flag(rest, '--scale') ?? 1)
      if (!(scale > 0 && scale <= 10)) {
        console.error(USAGE)
        return 2
      }
      const scaled = (n: number) => Math.max(2, Math.round(n * scale))
      const size = { users: scaled(FEED_BENCHMARK_SIZE.users), posts: scaled(FEED_BENCHMARK_SIZE.posts), follows: scaled(FEED_BENCHMARK_SIZE.follows) }
      const seconds = await generateFeedBenchmark(infra.dbs, size, (step) => console.log(`Generating ${step}…`))
      console.log(`Generated the feed benchmark data set (${JSON.stringify(size)}); seconds per step: ${JSON.stringify(seconds)}`)
    } else if (command === 'seed') {
      const users = Number(flag(rest, '--users') ?? 20)
      const summary = await seedDemoData(services, { users })
      console.log(summary)
    } else {
      const handle = rest[0]
      if (!handle) {
        console.error(USAGE)
        return 2
      }
      const before = await services.accounts.accountNamed(handle)
      const user = await services.accounts.setRole(handle, 'admin')
      if (!user) {
        console.error(`No account has the handle "${handle}".`)
        return 1
      }
      await services.backOffice.audit.record({ actorId: null, action: 'role.change', subjectKind: 'member', subjectId: user.id, before: before?.role ?? null, after: 'admin', reason: 'npm run make-admin' })
      console.log(`@${user.handle} is now an admin.`)
    }
    // On Redis a running server's workers take the jobs; draining here would work off its backlog too.
    if (infra.store.kind === 'memory') await queue.drain()
    return 0
  } finally {
    await infra.close()
  }
}

/** Needs no database: an operator runs it once, before the first start, and keeps the pair in the environment. */
function printVapidKeys(): number {
  const keys = newVapidKeys()
  console.log(`VAPID_PUBLIC_KEY=${keys.publicKey}\nVAPID_PRIVATE_KEY=${keys.privateKey}\nVAPID_SUBJECT=mailto:you@example.com`)
  return 0
}

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(name)
  return at >= 0 ? args[at + 1] : undefined
}

try {
  process.exit(await run(process.argv.slice(2)))
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirBusyError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}
