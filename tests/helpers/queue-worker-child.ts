/**
 * A queue worker in a process of its own, for tests of a worker that dies mid-job
 * (tests/integration/queue.test.ts): it appends the id of each `note` job it starts to the list
 * `started:<queue>` and then hangs, until the test kills it with SIGKILL.
 *
 * Env: REDIS_URL, QUEUE_KEY_PREFIX, QUEUE_NAME, QUEUE_CONCURRENCY, VISIBILITY_TIMEOUT_MS.
 */
import pino from 'pino'
import { createQueue } from '@/infra/queue'
import { createRedisStore } from '@/infra/store/redis'

const env = (name: string): string => {
  const value = process.env[name]
  if (!value) throw new Error(`queue-worker-child needs ${name}`)
  return value
}

const name = env('QUEUE_NAME')
const store = createRedisStore({ url: env('REDIS_URL'), keyPrefix: env('QUEUE_KEY_PREFIX') })
const queue = createQueue<{ note: { n: number } }>({
  store,
  name,
  log: pino({ level: 'silent' }),
  concurrency: Number(env('QUEUE_CONCURRENCY')),
  visibilityTimeoutMs: Number(env('VISIBILITY_TIMEOUT_MS')),
})
queue.handle('note', async (_payload, job) => {
  await store.rpush(`started:${name}`, [job.id])
  await new Promise(() => {}) // hangs: the test kills this process mid-job
})
queue.start()
