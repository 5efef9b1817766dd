/**
 * The memorials feature put together from its parts, as `services.memorials` (src/services.ts).
 */
import type { Kysely } from 'kysely'
import type { Config } from '@/config'
import type { Media } from '@/features/media/service'
import { createAnniversaries } from '@/features/memorials/anniversaries'
import { createCandles } from '@/features/memorials/candles'
import { createMemorialPageCache } from '@/features/memorials/page-cache'
import { createMemorials } from '@/features/memorials/service'
import { createSharedPages } from '@/features/memorials/shared-page'
import { memorialSitemapSource } from '@/features/memorials/sitemap-source'
import { createTributes } from '@/features/memorials/tributes'
import { createVisitorKeys } from '@/features/memorials/visitors'
import type { Notifications } from '@/features/notifications/service'
import type { Cdn } from '@/infra/cdn'
import type { Logger } from '@/infra/log'
import type { Store } from '@/infra/store/store'
import type { MemorialsDomain } from '@/schema'

interface Deps {
  config: Pick<Config, 'publicUrl' | 'memorials'>
  db: Kysely<MemorialsDomain>
  store: Store
  media: Media
  cdn: Cdn
  notifications: Notifications
  log: Logger
}

export function createMemorialsFeature({ config, db, store, media, cdn, notifications, log }: Deps) {
  const pageCache = createMemorialPageCache({ store, ttlSeconds: config.memorials.cacheSeconds })
  const memorials = createMemorials({ db, media, cdn, pageCache })
  const tributes = createTributes({ db, notifications })
  return {
    memorials,
    tributes,
    candles: createCandles(db),
    sharedPages: createSharedPages({ memorials, tributes, pageCache, publicUrl: config.publicUrl }),
    visitorKeys: createVisitorKeys(store),
    anniversaries: createAnniversaries({ db, store, notifications, log }),
    sitemapSource: memorialSitemapSource(db),
  }
}

export type MemorialsFeature = ReturnType<typeof createMemorialsFeature>
