/**
 * The app's queue workers in a process of their own, for the test of a worker killed mid-batch
 * (tests/integration/push-worker-killed.test.ts): the same services and job handlers as the server,
 * on the test run's databases and Redis prefix, until the test kills it with SIGKILL.
 *
 * Env: the app's (DATABASE_URL…, REDIS_URL, REDIS_KEY_PREFIX, VAPID_*, PUSH_*), plus PUSH_TEST_CA
 * (the loopback push service's certificate) and VISIBILITY_TIMEOUT_MS.
 */
import { registerJobHandlers } from '@/background'
import { loadConfig } from '@/config'
import { createBlobs } from '@/infra/blobs'
import { createDatabases } from '@/infra/db'
import { createLogger } from '@/infra/log'
import { createQueue } from '@/infra/queue'
import { createStore } from '@/infra/store'
import type { Jobs } from '@/jobs'
import { createServices } from '@/services'

const config = loadConfig(process.env)
const log = createLogger(config)
const dbs = await createDatabases(config)
const store = createStore(config, log)
const queue = createQueue<Jobs>({ store, name: 'main', log, concurrency: 1, visibilityTimeoutMs: Number(process.env.VISIBILITY_TIMEOUT_MS) })
const services = createServices({ config, log, dbs, store, queue, blobs: createBlobs(config), pushCa: process.env.PUSH_TEST_CA! })
registerJobHandlers(queue, services)
queue.start()
