/**
 * CatFinder: lost and found reports, sightings, the message relay and nearby search, put together
 * from their modules. Routes (src/features/finder/routes.ts) call these; nothing here renders or
 * reads a request.
 *
 * @example
 * const finder = createFinder({ db: dbs.finder, store, log, config, media, notifications, purge, announcements })
 * const page = await finder.search.activeNear({ centre, radiusM: 5000 })
 */
import type { Kysely } from 'kysely'
import type { Config } from '@/config'
import type { Media } from '@/features/media/service'
import type { Notifications } from '@/features/notifications/service'
import { createGeoIndex } from '@/features/finder/geo-index'
import { createUpkeep } from '@/features/finder/upkeep'
import { createNearbyListCache } from '@/features/finder/list-cache'
import { createMessages } from '@/features/finder/messages'
import { createReportCards } from '@/features/finder/report-cards'
import { createReports, type FinderOutboxJobs } from '@/features/finder/reports'
import { createNearbySearch } from '@/features/finder/search'
import { createSightings } from '@/features/finder/sightings'
import { reportSitemapSource } from '@/features/finder/sitemap-source'
import type { Logger } from '@/infra/log'
import type { Outbox } from '@/infra/outbox'
import type { Store } from '@/infra/store/store'
import type { FinderDomain } from '@/schema'

export interface FinderDeps {
  db: Kysely<FinderDomain>
  store: Store
  log: Logger
  config: Pick<Config, 'finder'>
  media: Media
  notifications: Pick<Notifications, 'notify'>
  /** Purges the CDN's copies of pages with these cache tags. */
  purge: (tags: string[]) => Promise<void>
  /** Tells members nearby about a new report, and those it alerted when the cat is home (the notifications feature's alerts). */
  /** The finder's outbox (src/infra/outbox.ts): a report's alerts are queued through it. */
  announcements: Outbox<FinderOutboxJobs>
}

export function createFinder({ db, store, log, config, media, notifications, purge, announcements }: FinderDeps) {
  const geoIndex = createGeoIndex(store, log)
  const listCache = createNearbyListCache(store)
  const cards = createReportCards(db, store)
  const { gridMetres } = config.finder
  const reports = createReports({ db, media, geoIndex, lists: listCache, cards, gridMetres, purge, announcements })
  const notify = (kind: 'sighting' | 'message' | 'report') => (userId: string, text: string, url: string) =>
    notifications.notify(userId, { kind: `finder.${kind}`, text, url })
  const rebuildGeoIndex = () => geoIndex.rebuildIfMissing(() => reports.activeForIndex())
  return {
    reports,
    search: createNearbySearch({ db, geoIndex, cards, preferred: config.finder.nearbyPath }),
    sightings: createSightings({ db, media, reports, gridMetres, notify: notify('sighting') }),
    messages: createMessages({ db, reports, notify: notify('message') }),
    upkeep: createUpkeep({ db, reports, notify: notify('report') }),
    listCache,
    sitemapSource: reportSitemapSource(db),
    /** Rebuilds the Redis GEO index from PostgreSQL when the store has lost it (start, Redis restart). */
    rebuildGeoIndex,
    /** Drops and rebuilds the index: after reports were written behind the service's back (bulk SQL). */
    async reindexGeo(): Promise<number | null> {
      await geoIndex.invalidate()
      return rebuildGeoIndex()
    },
    /** The same at start-up, in the background: searches use PostGIS until it is done. */
    rebuildGeoIndexSoon(): void {
      rebuildGeoIndex().catch((error: unknown) => log.error({ err: error }, 'could not rebuild the finder GEO index; searches use PostGIS'))
    },
  }
}

export type Finder = ReturnType<typeof createFinder>
