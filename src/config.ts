/**
 * Every environment variable the app reads, parsed and validated once.
 *
 * A bad value stops start-up with one line naming the variable, e.g.
 * `PORT must be a whole number from 1 to 65535 (got "abc")`.
 * Each variable is documented in `.env.example` and in docs/configuration.md.
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
  /** Server processes sharing the port (one per core in production); PostgreSQL and Redis only. */
  webProcesses: number
  s3: S3Config | null
  mediaDir: string
  mediaPublicUrl: string | null
  mediaMaxBytes: number
  mediaMaxPixels: number
  mediaMaxFiles: number
  /** Uploads processed at once per instance: each holds a decoded photo, so this bounds memory. */
  mediaProcessingConcurrency: number
  /** Photo uploads allowed per window, per client address and per account. */
  mediaUploadRateLimit: { attempts: number; windowSeconds: number }
  vapid: { publicKey: string; privateKey: string; subject: string } | null
  push: PushConfig
  cdnPurgeUrl: string | null
  /** Sent as `Authorization: Bearer …` with each purge (Cloudflare's API wants one); null for none. */
  cdnPurgeToken: string | null
  /** Where mail goes out (`smtp://` or `smtps://`, with user and password if the server wants them); null: `.eml` files in `DATA_DIR/outbox`. */
  smtpUrl: string | null
  /** The From of every message, e.g. `Nine Lives <no-reply@example.org>`. */
  mailFrom: string
  sessionDays: number
  /** Attempts allowed per window for sign-in and sign-up, per client address and per account. */
  authRateLimit: { attempts: number; windowSeconds: number }
  finder: FinderConfig
  feed: FeedConfig
  memorials: MemorialsConfig
  metrics: MetricsConfig
}

/** Prometheus metrics (src/infra/metrics.ts), never public: docs/operations.md. */
export interface MetricsConfig {
  /** Off: nothing is counted or timed, and there is no /metrics (for measuring the overhead). */
  enabled: boolean
  /** A second listener that serves only /metrics, on `host`; null for none. */
  port: number | null
  host: string
  /** With a token, the main port also serves /metrics to `Authorization: Bearer <token>`; null: it doesn't. */
  token: string | null
}

/** Web push: where subscriptions may point, and how hard one instance pushes. */
export interface PushConfig {
  /**
   * Hosts a subscription's endpoint may name (`fcm.googleapis.com`, or `*.push.apple.com` for any
   * subdomain): the sender posts to endpoints browsers hand us, so it must only ever reach push services.
   */
  serviceHosts: string[]
  /** Pushes in flight at once per instance, across all queue workers. */
  concurrency: number
  /** Requests a second to one push service host, per instance. */
  hostRatePerSecond: number
}

/** The push services of the major browsers: Chrome, Edge, Opera, Samsung (FCM), Firefox, Safari, Windows. */
export const DEFAULT_PUSH_SERVICE_HOSTS = ['fcm.googleapis.com', 'updates.push.services.mozilla.com', '*.push.apple.com', '*.notify.windows.com']

/** Memorials: how long a rendered page is kept, and how often visitors may light, write and flag. */
export interface MemorialsConfig {
  /** Seconds a rendered memorial stays in the Store and in shared caches (`s-maxage`); 0 turns the Store cache off. */
  cacheSeconds: number
  /** Per client address: candles an hour. */
  candleRateLimit: { attempts: number; windowSeconds: number }
  /** Per account and per client address: tributes an hour. */
  tributeRateLimit: { attempts: number; windowSeconds: number }
  /** Per client address: tributes flagged an hour. */
  flagRateLimit: { attempts: number; windowSeconds: number }
}

/** The social feed: post and comment sizes, how often people may write, and the fan-out threshold. */
export interface FeedConfig {
  postMaxChars: number
  commentMaxChars: number
  /**
   * Authors with more followers than this are not fanned out on write; home feeds merge their posts
   * in at read time (src/features/feed/timelines.ts).
   */
  fanoutMaxFollowers: number
  /** Per account: posts an hour, comments an hour. */
  postRateLimit: { attempts: number; windowSeconds: number }
  commentRateLimit: { attempts: number; windowSeconds: number }
}

/** CatFinder: privacy grid, search and alert radii, the map's tiles, and how often people may post. */
export interface FinderConfig {
  /** Public points of reports are rounded to a grid this many metres across (docs/architecture.md, Locations). */
  gridMetres: number
  /** The largest search radius a visitor may ask for. */
  searchRadiusMaxKm: number
  /** The largest alert area a member may save around home. */
  alertRadiusMaxKm: number
  /** Leaflet tile URL template (`{z}/{x}/{y}`), or null for no interactive map (the list is complete without it). */
  mapTileUrl: string | null
  mapAttribution: string
  /**
   * Which path answers nearby searches first: the Redis GEO index (the default; PostGIS when it
   * can't), which takes the search off PostgreSQL, or PostGIS's KNN straight away. Both return the
   * same reports.
   */
  nearbyPath: 'redis' | 'postgis'
  /** Per account: reports a day, sightings an hour, messages an hour. */
  reportRateLimit: { attempts: number; windowSeconds: number }
  sightingRateLimit: { attempts: number; windowSeconds: number }
  messageRateLimit: { attempts: number; windowSeconds: number }
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
  // Cast: Object.fromEntries gives string keys; DOMAINS.map put one entry per DomainName in it.
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
    webProcesses: webProcesses(read, domainUrls),
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
    // Each photo being processed holds its decoded pixels (~50 MB for 12 MP); encodes are capped at one
    // per core whatever this says (process.ts). With 2, four 12 MP uploads at once peak at ~350–390 MB.
    mediaProcessingConcurrency: read.int('MEDIA_PROCESSING_CONCURRENCY', 2, 1, 64),
    mediaUploadRateLimit: {
      // Each upload costs about a second of CPU; 60 an hour is plenty for a person, little for a bot.
      attempts: read.int('MEDIA_UPLOAD_RATE_LIMIT', 60, 1, 100_000),
      windowSeconds: read.int('MEDIA_UPLOAD_RATE_WINDOW_SECONDS', 3600, 1, 86_400),
    },
    vapid: vapidKeys(read),
    push: pushConfig(read),
    cdnPurgeUrl: read.optionalUrl('CDN_PURGE_URL'),
    cdnPurgeToken: read.optionalStr('CDN_PURGE_TOKEN'),
    smtpUrl: smtpUrl(read),
    mailFrom: read.str('MAIL_FROM', `Nine Lives <no-reply@${publicUrl.hostname}>`),
    sessionDays: read.int('SESSION_DAYS', 30, 1, 365),
    authRateLimit: {
      attempts: read.int('AUTH_RATE_LIMIT', 10, 1, 100_000),
      windowSeconds: read.int('AUTH_RATE_WINDOW_SECONDS', 15 * 60, 1, 86_400),
    },
    finder: finderConfig(read),
    feed: feedConfig(read),
    memorials: memorialsConfig(read),
    metrics: metricsConfig(read, port),
  }
}

function metricsConfig(read: Reader, port: number): MetricsConfig {
  const metricsPort = read.int('METRICS_PORT', 0, 0, 65535)
  if (metricsPort !== 0 && metricsPort === port) throw new ConfigError(`METRICS_PORT must differ from PORT (both ${port})`)
  const token = read.optionalStr('METRICS_TOKEN')
  // A guessable token would make the metrics public: ask for at least 128 bits' worth of characters.
  if (token !== null && token.length < 22) fail('METRICS_TOKEN', 'at least 22 characters (e.g. `openssl rand -base64 24`)', token.replace(/./g, '*'))
  return {
    enabled: read.bool('METRICS', true),
    port: metricsPort === 0 ? null : metricsPort,
    host: read.str('METRICS_HOST', '127.0.0.1'),
    token,
  }
}

function fail(name: string, rule: string, value: string): never {
  throw new ConfigError(`${name} must be ${rule} (got ${JSON.stringify(value)})`)
}

/** More than one process shares data only through PostgreSQL and Redis: PGlite and the in-process store are one process's own. */
function webProcesses(read: Reader, domainUrls: Record<DomainName, string | null>): number {
  const processes = read.int('WEB_PROCESSES', 1, 1, 64)
  if (processes > 1 && (!domainUrls.accounts || !read.optionalUrl('REDIS_URL'))) {
    throw new ConfigError('WEB_PROCESSES above 1 needs DATABASE_URL and REDIS_URL: the embedded database and store belong to one process')
  }
  return processes
}

/** Some domains on PostgreSQL and others embedded would split one app over two worlds: refuse it. */
function embeddedOrAll(urls: Record<DomainName, string | null>): Record<DomainName, string> | null {
  const missing = DOMAINS.filter((domain) => !urls[domain])
  if (missing.length === DOMAINS.length) return null
  if (missing.length > 0) {
    const name = `${missing[0]!.toUpperCase()}_DATABASE_URL`
    throw new ConfigError(`${name} must be set (or DATABASE_URL) when another domain uses PostgreSQL`)
  }
  // Cast: every null was refused above (the throw), so each domain has its URL.
  return urls as Record<DomainName, string>
}

function smtpUrl(read: Reader): string | null {
  const url = read.optionalUrl('SMTP_URL')
  if (url !== null && !/^smtps?:$/.test(new URL(url).protocol)) {
    throw new ConfigError(`SMTP_URL must start with smtp:// or smtps:// (got ${JSON.stringify(url)})`)
  }
  return url
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

function pushConfig(read: Reader): PushConfig {
  const hosts = read.str('PUSH_SERVICE_HOSTS', DEFAULT_PUSH_SERVICE_HOSTS.join(','))
  const serviceHosts = hosts.split(',').map((host) => host.trim().toLowerCase()).filter(Boolean)
  const bad = serviceHosts.find((host) => !/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(host))
  if (bad !== undefined || serviceHosts.length === 0) {
    throw new ConfigError(`PUSH_SERVICE_HOSTS must be a comma-separated list of host names, each optionally starting with "*." (got ${JSON.stringify(hosts)})`)
  }
  return {
    serviceHosts,
    // 64 requests in flight keep a push service's round trip (~50 ms) from capping us below 1,000/s.
    concurrency: read.int('PUSH_CONCURRENCY', 64, 1, 1024),
    // FCM takes 600,000 messages a minute per project (10,000/s): two instances at full speed stay
    // under it, and one sends a 100,000-member alert in under a minute (docs/benchmarks.md).
    hostRatePerSecond: read.int('PUSH_HOST_RATE_LIMIT', 4000, 1, 100_000),
  }
}

const OSM_TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'

function finderConfig(read: Reader): FinderConfig {
  const mapTileUrl = read.str('MAP_TILE_URL', OSM_TILES)
  if (mapTileUrl !== 'off' && !/^https?:\/\/[^/]+\/.*\{z\}.*\{x\}.*\{y\}/.test(mapTileUrl)) {
    throw new ConfigError(`MAP_TILE_URL must be an http(s) URL with {z}, {x} and {y}, or "off" (got ${JSON.stringify(mapTileUrl)})`)
  }
  return {
    // 250 m: a street block in a town, so a public point names a neighbourhood, never a house.
    gridMetres: read.int('FINDER_GRID_METRES', 250, 50, 5000),
    searchRadiusMaxKm: read.int('FINDER_SEARCH_RADIUS_MAX_KM', 50, 1, 500),
    // 25 km: a lost cat seldom travels further; a larger area would mostly bring alerts nobody can act on.
    alertRadiusMaxKm: read.int('ALERT_RADIUS_MAX_KM', 25, 1, 200),
    mapTileUrl: mapTileUrl === 'off' ? null : mapTileUrl,
    mapAttribution: read.str('MAP_ATTRIBUTION', '© OpenStreetMap contributors'),
    nearbyPath: read.oneOf('FINDER_NEARBY_PATH', ['redis', 'postgis'], 'redis'),
    // A family with three cats and a neighbour's may report five in a day; a spammer wants hundreds.
    reportRateLimit: { attempts: read.int('FINDER_REPORT_RATE_LIMIT', 10, 1, 100_000), windowSeconds: 86_400 },
    // A searcher walking the streets logs a "not seen here" every few minutes at most.
    sightingRateLimit: { attempts: read.int('FINDER_SIGHTING_RATE_LIMIT', 30, 1, 100_000), windowSeconds: 3600 },
    messageRateLimit: { attempts: read.int('FINDER_MESSAGE_RATE_LIMIT', 30, 1, 100_000), windowSeconds: 3600 },
  }
}

function feedConfig(read: Reader): FeedConfig {
  return {
    // Room for a story about a cat's day; a feed of essays would bury the photos.
    postMaxChars: read.int('POST_MAX_CHARS', 2000, 1, 10_000),
    commentMaxChars: read.int('COMMENT_MAX_CHARS', 1000, 1, 5000),
    // Pushing into 10,000 timelines takes about 0.2 s of one worker (tests/bench/feed.ts). A member
    // with a million followers would hold a worker for 20 s per post and write to a million keys,
    // while merging their few posts in at read time costs each reader one probe of a small index.
    fanoutMaxFollowers: read.int('FEED_FANOUT_MAX_FOLLOWERS', 10_000, 0, 10_000_000),
    // A busy member posts a few times a day; 30 an hour only ever stops a script.
    postRateLimit: { attempts: read.int('POST_RATE_LIMIT', 30, 1, 100_000), windowSeconds: 3600 },
    // A lively thread takes a comment a minute at most from one person.
    commentRateLimit: { attempts: read.int('COMMENT_RATE_LIMIT', 60, 1, 100_000), windowSeconds: 3600 },
  }
}

function memorialsConfig(read: Reader): MemorialsConfig {
  return {
    // Five minutes: a popular page is rendered a few hundred times a
    // day instead of on every visit, and a candle count is never more than five minutes old.
    cacheSeconds: read.int('MEMORIAL_CACHE_SECONDS', 300, 0, 86_400),
    // A family lighting candles on a dozen memorials from one home address is well under 60.
    candleRateLimit: { attempts: read.int('CANDLE_RATE_LIMIT', 60, 1, 100_000), windowSeconds: 3600 },
    // A few words to a few friends an hour; 20 only ever stops a script.
    tributeRateLimit: { attempts: read.int('TRIBUTE_RATE_LIMIT', 20, 1, 100_000), windowSeconds: 3600 },
    flagRateLimit: { attempts: read.int('FLAG_RATE_LIMIT', 20, 1, 100_000), windowSeconds: 3600 },
  }
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
      // Cast: `allowed` widened so includes() takes any string; that check is what makes value a T.
      return (allowed as readonly string[]).includes(value) ? (value as T) : fail(name, `one of ${allowed.join(', ')}`, value)
    },
    url: (name: string, fallback: string) => parseUrl(name, raw(name) ?? fallback),
    optionalUrl(name: string) {
      const value = raw(name)
      return value === undefined ? null : parseUrl(name, value).toString()
    },
  }
}
