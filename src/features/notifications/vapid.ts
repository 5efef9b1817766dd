/**
 * The VAPID key pair that identifies this site to push services (RFC 8292). From VAPID_PUBLIC_KEY /
 * VAPID_PRIVATE_KEY when set; in embedded mode made once and kept in DATA_DIR, so that browsers'
 * subscriptions (which are bound to the public key) survive restarts. With PostgreSQL and no keys set,
 * push stays off: instances that each made their own pair would break each other's subscriptions.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import webpush from 'web-push'
import type { Config } from '@/config'
import type { Logger } from '@/infra/log'

export interface VapidKeys {
  /** base64url of the uncompressed P-256 point: the `applicationServerKey` browsers subscribe with. */
  publicKey: string
  privateKey: string
  /** A `mailto:` or `https:` contact that push services show their operators. */
  subject: string
}

const KEYS_FILE = 'vapid-keys.json'
const EMBEDDED_SUBJECT = 'mailto:admin@localhost'

/** The keys to push with, or null when push is off (logged once). */
export function vapidKeysFor(config: Pick<Config, 'vapid' | 'databaseUrls' | 'dataDir'>, log: Logger): VapidKeys | null {
  if (config.vapid) return config.vapid
  if (config.databaseUrls) {
    log.warn('web push is off: set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (bun src/cli.ts vapid-keys makes a pair)')
    return null
  }
  return keptKeys(config.dataDir, log)
}

/** A fresh pair, as `vapid-keys` prints it for .env. */
export function newVapidKeys(): { publicKey: string; privateKey: string } {
  return webpush.generateVAPIDKeys()
}

function keptKeys(dataDir: string, log: Logger): VapidKeys {
  const file = path.join(dataDir, KEYS_FILE)
  try {
    // Cast: JSON.parse is untyped; this file holds only the keys this module wrote.
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { publicKey: string; privateKey: string }
    return { ...kept, subject: EMBEDDED_SUBJECT }
  } catch (error) {
    // Cast: a readFileSync failure is a Node system error with a code.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const keys = newVapidKeys()
  mkdirSync(dataDir, { recursive: true })
  // Only the owner may read the private key; `wx` never overwrites a pair another start just wrote.
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600, flag: 'wx' })
  log.info({ file }, 'made VAPID keys for web push')
  return { ...keys, subject: EMBEDDED_SUBJECT }
}
