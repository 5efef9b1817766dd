/** Where the VAPID keys come from: the environment, or (embedded) a pair made once and kept in DATA_DIR. */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'bun:test'
import pino from 'pino'
import { loadConfig } from '@/config'
import { vapidKeysFor } from '@/features/notifications/vapid'

const log = pino({ level: 'silent' })
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
const dataDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nl-vapid-'))
  dirs.push(dir)
  return dir
}

describe('VAPID keys', () => {
  test('embedded mode makes a pair once, keeps it private in DATA_DIR, and uses it again after a restart', () => {
    const dir = dataDir()
    const first = vapidKeysFor(loadConfig({ DATA_DIR: dir }), log)
    const again = vapidKeysFor(loadConfig({ DATA_DIR: dir }), log)
    expect(first!.publicKey).toMatch(/^[\w-]{87}$/)
    expect(again).toEqual(first)
    expect(statSync(path.join(dir, 'vapid-keys.json')).mode & 0o077).toBe(0)
  })

  test('keys from the environment win, and nothing is written', () => {
    const dir = dataDir()
    const keys = vapidKeysFor(loadConfig({ DATA_DIR: dir, VAPID_PUBLIC_KEY: 'pub', VAPID_PRIVATE_KEY: 'priv', VAPID_SUBJECT: 'mailto:a@b.example' }), log)
    expect(keys).toEqual({ publicKey: 'pub', privateKey: 'priv', subject: 'mailto:a@b.example' })
    expect(() => statSync(path.join(dir, 'vapid-keys.json'))).toThrow()
  })

  test('with PostgreSQL and no keys, push stays off rather than each instance making its own pair', () => {
    const dir = dataDir()
    expect(vapidKeysFor(loadConfig({ DATA_DIR: dir, DATABASE_URL: 'postgres://x@127.0.0.1/db' }), log)).toBeNull()
  })
})
