/**
 * One test context per `bun test` run: its own databases (PostgreSQL when DATABASE_URL is set,
 * else an in-memory PGlite with PostGIS), its own Redis key prefix (or the in-process store), and the
 * app built on them. Runs never see each other's data (docs/architecture.md, Testing); tests never depend on
 * each other's rows, because each makes its own users with unique handles.
 */
import pg from 'pg'
import webpush from 'web-push'
import { createApp } from '@/app'
import { DEFAULT_PUSH_SERVICE_HOSTS, DOMAINS, loadConfig, type Config, type DomainName } from '@/config'
import { createDatabases } from '@/infra/db'
import { createLogger } from '@/infra/log'
import { migrateAll } from '@/infra/migrate'
import { createQueue } from '@/infra/queue'
import { createStore } from '@/infra/store'
import type { Jobs } from '@/jobs'
import type { Infra, Services } from '@/services'
import { defaultMediaStorageKind, startTestMediaStorage, type TestMediaStorage } from '@tests/helpers/media-storage'
import { startTestMailbox, type TestMailbox } from '@tests/helpers/smtp'
import { deleteKeysUnder } from '@tests/helpers/store'
import { testCertificate } from '@tests/helpers/tls'

export interface TestContext {
  config: Config
  infra: Infra
  app: ReturnType<typeof createApp>['app']
  services: Services
  /** Where this run's media goes: loopback S3 with real services, else a temp dir (tests/helpers/media-storage.ts). */
  media: TestMediaStorage
  /** The loopback SMTP server SMTP_URL points at: every message the app sent, parsed (tests/helpers/smtp.ts). */
  mailbox: TestMailbox
}

const RUN_ID = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
/** This run's VAPID keys: set in the env, so nothing is written into DATA_DIR. */
const VAPID = webpush.generateVAPIDKeys()
let current: Promise<TestContext> | null = null
let cleanups: (() => Promise<void>)[] = []

/** The run's shared context, created on first use. */
export function testContext(): Promise<TestContext> {
  current ??= createTestContext()
  return current
}

/** Called once after all tests (tests/helpers/preload.ts). */
export async function closeTestContext(): Promise<void> {
  if (!current) return
  const { infra, config } = await current
  if (config.redisUrl) await deleteKeysUnder(config.redisUrl, config.redisKeyPrefix)
  await infra.store.close()
  await infra.dbs.destroy()
  for (const cleanup of cleanups.reverse()) await cleanup()
  current = null
  cleanups = []
}

/** The env of a test run: what the caller set, plus values that make tests quiet and deterministic. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    ...process.env,
    PUBLIC_URL: 'http://localhost:3000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Tests give each client its own address through X-Forwarded-For, so rate limits don't collide.
    TRUST_PROXY: '1',
    REDIS_KEY_PREFIX: `nl:test:${RUN_ID}:`,
    PGLITE_DATA_DIR: 'memory://',
    VAPID_PUBLIC_KEY: VAPID.publicKey,
    VAPID_PRIVATE_KEY: VAPID.privateKey,
    VAPID_SUBJECT: 'mailto:tests@example.com',
    // The loopback push service (tests/helpers/push-service.ts) joins the browsers' push services.
    PUSH_SERVICE_HOSTS: [...DEFAULT_PUSH_SERVICE_HOSTS, 'localhost'].join(','),
    ...overrides,
  }
}

async function createTestContext(): Promise<TestContext> {
  const base = loadConfig(testEnv())
  const media = await startTestMediaStorage(defaultMediaStorageKind())
  cleanups.push(() => media.stop())
  const mailbox = await startTestMailbox()
  cleanups.push(() => mailbox.stop())
  const config: Config = {
    ...base,
    ...media.config,
    smtpUrl: mailbox.url,
    databaseUrls: base.databaseUrls && (await createRunDatabases(base.databaseUrls)),
  }
  const log = createLogger(config)
  const dbs = await createDatabases(config)
  await migrateAll(dbs, log)
  const store = createStore(config, log)
  // Not started: tests run jobs deterministically with `queue.drain()`.
  const queue = createQueue<Jobs>({ store, name: 'main', log, concurrency: 1 })
  // The push sender trusts the loopback push service's self-signed certificate, and nothing else extra.
  const infra: Infra = { config, log, dbs, store, queue, blobs: media.blobs, pushCa: testCertificate().cert }
  const { app, services } = createApp(infra)
  return { config, infra, app, services, media, mailbox }
}

/**
 * A fresh database for each distinct database the env names (four in CI, where every domain has its
 * own), named after it with this run's id, dropped after the run.
 */
async function createRunDatabases(urls: Record<DomainName, string>): Promise<Record<DomainName, string>> {
  const created = new Map<string, string>()
  for (const url of new Set(Object.values(urls))) {
    const home = new URL(url)
    const name = `${home.pathname.slice(1) || 'postgres'}_t${RUN_ID}`.toLowerCase()
    await withAdmin(url, (admin) => admin.query(`create database "${name}"`))
    cleanups.push(async () => {
      await withAdmin(url, (admin) => admin.query(`drop database if exists "${name}" with (force)`))
    })
    const runUrl = new URL(url)
    runUrl.pathname = `/${name}`
    created.set(url, runUrl.toString())
  }
  return Object.fromEntries(DOMAINS.map((domain) => [domain, created.get(urls[domain])!])) as Record<DomainName, string>
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}
