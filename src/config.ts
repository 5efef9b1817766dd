/**
 * Every environment variable the app reads, parsed and validated once.
 *
 * A bad value stops start-up with one line naming the variable, e.g.
 * `PORT must be a whole number from 1 to 65535 (got "abc")`.
 * Each variable is documented in `.env.example` and in the README's configuration table.
 */
import path from 'node:path'

export type Env = Record<string, string | undefined>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export type DomainName = 'accounts' | 'social' | 'finder' | 'memorials'
export const DOMAINS: readonly DomainName[] = ['accounts', 'social', 'finder', 'memorials']

export interface Config {
  port: number
  dataDir: string
  publicUrl: URL
  production: boolean
  trustProxy: boolean
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** One PostgreSQL URL per data domain, or null for the embedded PGlite database. */
  databaseUrls: Record<DomainName, string> | null
  /** Where embedded PGlite keeps its files; `memory://` keeps nothing (tests). */
  pgliteDataDir: string
  redisUrl: string | null
  redisKeyPrefix: string
  bodyLimitBytes: number
  shutdownTimeoutMs: number
  queueConcurrency: number
  s3: S3Config | null
  mediaDir: string
  mediaPublicUrl: string | null
  mediaMaxBytes: number
  mediaMaxPixels: number
  mediaMaxFiles: number
  vapid: { publicKey: string; privateKey: string; subject: string } | null
  cdnPurgeUrl: string | null
  sessionDays: number
  /** Attempts allowed per window for sign-in and sign-up, per client address and per account. */
  authRateLimit: { attempts: number; windowSeconds: number }
}

export interface S3Config {
  endpoint: string | null
  region: string
  bucket: string
  accessKeyId: string | null
  secretAccessKey: string | null
  forcePathStyle: boolean
}

/** Reads `env` (normally `process.env`) into a Config, or throws a ConfigError naming the bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const read = reader(env)
  const port = read.int('PORT', 3000, 1, 65535)
  const dataDir = path.resolve(read.str('DATA_DIR', './data'))
  const publicUrl = read.url('PUBLIC_URL', `http://localhost:${port}`)
  const databaseUrl = read.optionalUrl('DATABASE_URL')
  const domainUrls = Object.fromEntries(
    DOMAINS.map((domain) => [domain, read.optionalUrl(`${domain.toUpperCase()}_DATABASE_URL`) ?? databaseUrl]),
  ) as Record<DomainName, string | null>
  const bucket = read.optionalStr('S3_BUCKET')

  return {
    port,
    dataDir,
    publicUrl,
    production: read.str('NODE_ENV', 'development') === 'production',
    trustProxy: read.bool('TRUST_PROXY', false),
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    databaseUrls: embeddedOrAll(domainUrls),
    pgliteDataDir: read.str('PGLITE_DATA_DIR', path.join(dataDir, 'pg')),
    redisUrl: read.optionalUrl('REDIS_URL'),
    redisKeyPrefix: read.str('REDIS_KEY_PREFIX', 'nl:'),
    bodyLimitBytes: read.int('BODY_LIMIT_BYTES', 64 * 1024 * 1024, 1024, 1024 ** 3),
    shutdownTimeoutMs: read.int('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    queueConcurrency: read.int('QUEUE_CONCURRENCY', 4, 1, 256),
    s3: bucket
      ? {
          endpoint: read.optionalUrl('S3_ENDPOINT'),
          region: read.str('S3_REGION', 'auto'),
          bucket,
          accessKeyId: read.optionalStr('S3_ACCESS_KEY_ID'),
          secretAccessKey: read.optionalStr('S3_SECRET_ACCESS_KEY'),
          forcePathStyle: read.bool('S3_FORCE_PATH_STYLE', false),
        }
      : null,
    mediaDir: path.join(dataDir, 'media'),
    mediaPublicUrl: read.optionalUrl('MEDIA_PUBLIC_URL'),
    mediaMaxBytes: read.int('MEDIA_MAX_BYTES', 15 * 1024 * 1024, 1024, 1024 ** 3),
    mediaMaxPixels: read.int('MEDIA_MAX_PIXELS', 40_000_000, 1, 1_000_000_000),
    mediaMaxFiles: read.int('MEDIA_MAX_FILES', 4, 1, 100),
    vapid: vapidKeys(read),
    cdnPurgeUrl: read.optionalUrl('CDN_PURGE_URL'),
    sessionDays: read.int('SESSION_DAYS', 30, 1, 365),
    authRateLimit: {
      attempts: read.int('AUTH_RATE_LIMIT', 10, 1, 100_000),
      windowSeconds: read.int('AUTH_RATE_WINDOW_SECONDS', 15 * 60, 1, 86_400),
    },
  }
}

/** Some domains on PostgreSQL and others embedded would split one app over two worlds: refuse it. */
function embeddedOrAll(urls: Record<DomainName, string | null>): Record<DomainName, string> | null {
  const missing = DOMAINS.filter((domain) => !urls[domain])
  if (missing.length === DOMAINS.length) return null
  if (missing.length > 0) {
    const name = `${missing[0]!.toUpperCase()}_DATABASE_URL`
    throw new ConfigError(`${name} must be set (or DATABASE_URL) when another domain uses PostgreSQL`)
  }
  return urls as Record<DomainName, string>
}

function vapidKeys(read: Reader): Config['vapid'] {
  const publicKey = read.optionalStr('VAPID_PUBLIC_KEY')
  const privateKey = read.optionalStr('VAPID_PRIVATE_KEY')
  if (!publicKey && !privateKey) return null
  if (!publicKey || !privateKey) {
    throw new ConfigError(`${publicKey ? 'VAPID_PRIVATE_KEY' : 'VAPID_PUBLIC_KEY'} must be set with its pair`)
  }
  return { publicKey, privateKey, subject: read.str('VAPID_SUBJECT', 'mailto:admin@localhost') }
}

type Reader = ReturnType<typeof reader>

function reader(env: Env) {
  const raw = (name: string) => {
    const value = env[name]?.trim()
    return value === '' ? undefined : value
  }
  const fail = (name: string, rule: string, value: string): never => {
    throw new ConfigError(`${name} must be ${rule} (got ${JSON.stringify(value)})`)
  }
  const parseUrl = (name: string, value: string) => {
    try {
      return new URL(value)
    } catch {
      return fail(name, 'an absolute URL', value)
    }
  }
  return {
    str: (name: string, fallback: string) => raw(name) ?? fallback,
    optionalStr: (name: string) => raw(name) ?? null,
    int(name: string, fallback: number, min: number, max: number) {
      const value = raw(name)
      if (value === undefined) return fallback
      const n = Number(value)
      return Number.isInteger(n) && n >= min && n <= max ? n : fail(name, `a whole number from ${min} to ${max}`, value)
    },
    bool(name: string, fallback: boolean) {
      const value = raw(name)?.toLowerCase()
      if (value === undefined) return fallback
      if (['1', 'true', 'yes', 'on'].includes(value)) return true
      if (['0', 'false', 'no', 'off'].includes(value)) return false
      return fail(name, 'one of 1/0, true/false, yes/no, on/off', value)
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const value = raw(name)
      if (value === undefined) return fallback
      return (allowed as readonly string[]).includes(value) ? (value as T) : fail(name, `one of ${allowed.join(', ')}`, value)
    },
    url: (name: string, fallback: string) => parseUrl(name, raw(name) ?? fallback),
    optionalUrl(name: string) {
      const value = raw(name)
      return value === undefined ? null : parseUrl(name, value).toString()
    },
  }
}
