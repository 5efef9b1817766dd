/**
 * Media storage for tests: the real loopback S3 server (tests/helpers/s3.ts) or local files in a
 * temporary directory, each empty and private to the caller.
 *
 * The shared test context (tests/helpers/context.ts) picks S3 in the "real services" run (when
 * DATABASE_URL or REDIS_URL is set) and local files otherwise; `MEDIA_TEST_STORAGE=s3|local`
 * forces one. Tests that must cover both make the other one with `startTestMediaStorage`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Config } from '@/config'
import { createBlobs, type Blobs } from '@/infra/blobs'
import { startS3 } from '@tests/helpers/s3'

export type MediaStorageKind = 'local' | 's3'

export interface TestMediaStorage {
  kind: MediaStorageKind
  blobs: Blobs
  /** The config fields that go with `blobs` (the CSP and the app read them too). */
  config: Pick<Config, 's3' | 'mediaDir' | 'mediaPublicUrl'>
  /** Stops the S3 server or removes the directory, with everything in it. */
  stop(): Promise<void>
}

/** What the shared context uses: see the module comment. */
export function defaultMediaStorageKind(env: Record<string, string | undefined> = process.env): MediaStorageKind {
  const forced = env.MEDIA_TEST_STORAGE
  if (forced === 's3' || forced === 'local') return forced
  return env.DATABASE_URL || env.REDIS_URL ? 's3' : 'local'
}

export async function startTestMediaStorage(kind: MediaStorageKind): Promise<TestMediaStorage> {
  // A media directory even for S3: Config always names one.
  const mediaDir = await mkdtemp(path.join(os.tmpdir(), 'nine-lives-media-'))
  const removeDir = () => rm(mediaDir, { recursive: true, force: true })
  if (kind === 'local') {
    const config = { s3: null, mediaDir, mediaPublicUrl: null }
    return { kind, blobs: createBlobs(config), config, stop: removeDir }
  }
  const s3 = await startS3()
  const config = { s3: s3.config, mediaDir, mediaPublicUrl: null }
  return {
    kind,
    blobs: createBlobs(config),
    config,
    async stop() {
      await s3.stop()
      await removeDir()
    },
  }
}
