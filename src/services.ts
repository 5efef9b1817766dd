/**
 * The services of every feature, built from the infrastructure and wired to each other: what the
 * routes (src/app.ts), the queue handlers and schedules (src/background.ts) and the CLI call.
 */
import type { Config } from '@/config'
import { createAvatars, type Avatars } from '@/features/accounts/avatars'
import { createCredentials } from '@/features/accounts/credentials'
import { createEmailVerification } from '@/features/accounts/email-verification'
import { createPasswordResets } from '@/features/accounts/password-reset'
import { createAccounts } from '@/features/accounts/service'
import { createSessions, type Sessions } from '@/features/accounts/sessions'
import { profileSitemapSource } from '@/features/accounts/sitemap-source'
import { createAccountTokens } from '@/features/accounts/tokens'
import { createBackOffice } from '@/features/admin/feature'
import type { FlagTargets } from '@/features/admin/flags'
import type { Accounts } from '@/features/accounts/service'
import { createFeed, type Feed } from '@/features/feed/service'
import { createSearch } from '@/features/search/service'
import { createFinder, type Finder } from '@/features/finder/feature'
import { createMedia, type Media } from '@/features/media/service'
import { createMemorialsFeature, type MemorialsFeature } from '@/features/memorials/feature'
import { canView } from '@/features/memorials/service'
import { createAlertAreas } from '@/features/notifications/alert-areas'
import { createLostCatAlerts, type ReportAnnouncement } from '@/features/notifications/lost-cat-alerts'
import { createPush } from '@/features/notifications/push'
import { createNotifications } from '@/features/notifications/service'
import { createSitemap } from '@/features/sitemap/service'
import type { Blobs } from '@/infra/blobs'
import { createCdn } from '@/infra/cdn'
import type { Databases } from '@/infra/db'
import type { Logger } from '@/infra/log'
import { createMailer, type OutgoingMail } from '@/infra/mail'
import { createOutbox } from '@/infra/outbox'
import type { Store } from '@/infra/store/store'
import type { JobQueue } from '@/jobs'
import { integerId } from '@/shared/ids'

/** The outside world the app talks to; main.ts builds it from config, tests from their harness. */
export interface Infra {
  config: Config
  log: Logger
  dbs: Databases
  store: Store
  /** Background jobs; workers run in main.ts (tests call `queue.drain()`). */
  queue: JobQueue
  /** Media objects: S3 or local files (src/infra/blobs.ts). */
  blobs: Blobs
  /** An extra certificate authority the push sender trusts (PEM): only the tests' loopback push service needs one. */
  pushCa?: string
}

export function createServices({ config, log, dbs, store, blobs, queue, pushCa }: Infra) {
  const media = createMedia({ db: dbs.social, blobs, store, config, log })
  const sessions = createSessions(dbs.accounts, store, config)
  const accounts = createAccounts(dbs.accounts, sessions.forgetViewer)
  const accountTokens = createAccountTokens(dbs.accounts)
  const push = createPush({
    config,
    log,
    db: dbs.accounts,
    store,
    enqueue: async (memberPush) => void (await queue.enqueue('push.deliver', memberPush)),
    ...(pushCa && { ca: pushCa }),
  })
  const { memberPush } = push
  const notifications = createNotifications(dbs.accounts, store, memberPush ? { pushed: memberPush.afterNotify } : {})
  const cdn = createCdn({ config, queue })
  const mailer = createMailer(config, log)
  // Jobs that must follow a write go through its domain's outbox (src/infra/outbox.ts).
  const outboxes = {
    feed: createOutbox({ db: dbs.social, table: 'feed_outbox', queue, log }),
    finder: createOutbox({ db: dbs.finder, table: 'finder_outbox', queue, log }),
  }
  const memorials = createMemorialsFeature({ config, db: dbs.memorials, store, media, cdn, notifications, log })
  const finder = createFinder({
    db: dbs.finder,
    store,
    log,
    config,
    media,
    notifications,
    purge: (tags) => cdn.purge(tags),
    // A new report's alert goes out from the queue (src/features/notifications/jobs.ts), through the outbox.
    announcements: outboxes.finder,
  })
  const feed = createFeed({ db: dbs.social, store, queue, outbox: outboxes.feed, config: config.feed, accounts, media, notifications, purge: (tags) => cdn.purge(tags) })
  return {
    push,
    alerts: createLostCatAlerts({
      db: dbs.accounts,
      config,
      notifications,
      subscriptions: push.subscriptions,
      sender: push.sender,
      enqueueBatches: async (batches) => void (await queue.enqueueMany('alerts.deliver', batches)),
      log,
    }),
    announcementOf: reportAnnouncements({ finder, media, publicUrl: config.publicUrl }),
    media,
    avatars: viewerRefreshingAvatars(
      createAvatars({
        db: dbs.accounts,
        media,
        discard: async (ids, ownerId) => void (await queue.enqueue('media.remove', { ids, ownerId })),
      }),
      sessions,
    ),
    accounts,
    accountTokens,
    credentials: createCredentials({ db: dbs.accounts, tokens: accountTokens, viewerChanged: sessions.forgetViewer }),
    emailVerification: createEmailVerification({ db: dbs.accounts, tokens: accountTokens, viewerChanged: sessions.forgetViewer }),
    passwordResets: createPasswordResets({ db: dbs.accounts, accounts, tokens: accountTokens, endAllSessions: sessions.endAll }),
    sessions,
    backOffice: createBackOffice({
      db: dbs.accounts,
      targets: flagTargets({ accounts, feed, finder, memorials }),
      hideables: {
        post: {
          authorOf: byNumber((id) => feed.postAuthor(id)),
          setHidden: (id, hidden) => byNumber((postId) => feed.setHidden(postId, hidden))(id),
        },
      },
      // The moderation log explains what happens and why; the member's own appeal comes later.
      tell: (userId, text) => notifications.notify(userId, { kind: 'moderation', text, url: '/moderation' }),
    }),
    search: createSearch(dbs),
    notifications,
    feed,
    outboxes,
    cdn,
    mailer,
    /** Queues one message (rendered by views/mail/); the queue retries while the SMTP server is down. */
    sendMail: async (mail: OutgoingMail) => void (await queue.enqueue('mail.send', mail)),
    memorials,
    finder,
    alertAreas: createAlertAreas(dbs.accounts, config),
    // Every feature with public pages adds its source here.
    sitemap: createSitemap({ publicUrl: config.publicUrl, sources: [memorials.sitemapSource, finder.sitemapSource, profileSitemapSource(dbs.accounts)] }),
  }
}

export type Services = ReturnType<typeof createServices>

/** What a lost-cat alert needs from the finder and media features about a report; null unless it is active. */
function reportAnnouncements({ finder, media, publicUrl }: { finder: Finder; media: Media; publicUrl: URL }) {
  return async (reportId: string): Promise<ReportAnnouncement | null> => {
    const report = await finder.reports.reporterView(reportId)
    if (!report) return null
    const firstPhoto = report.photoIds[0]
    const picture = firstPhoto ? (await media.urlsFor([firstPhoto])).get(firstPhoto) : undefined
    // The smallest JPEG: every browser's notification shows it, and it is a few kilobytes.
    const thumbnail = picture && (picture.sources.jpeg[0] ?? picture.fallback)
    return {
      reportId,
      reporterId: report.reporterId,
      status: report.status,
      kind: report.kind,
      name: report.name,
      exact: report.exact,
      public: { lat: report.place.lat, lng: report.place.lng },
      placeLabel: report.place.label,
      photoUrl: thumbnail ? new URL(thumbnail.url, publicUrl).href : null,
    }
  }
}

/** A look-up by integer id (posts, comments, sightings, tributes) for ids that come as text: null for a text that is no id. */
const byNumber =
  <T>(find: (id: number) => Promise<T | null>) =>
  async (id: string): Promise<T | null> => {
    const number = integerId(id)
    return number === null ? null : find(number)
  }

/** What each kind of flagged item is, and whose, asked of the feature that owns it (src/features/admin/flags.ts). */
function flagTargets({ accounts, feed, finder, memorials }: { accounts: Accounts; feed: Feed; finder: Finder; memorials: MemorialsFeature }): FlagTargets {
  /** A memorial anyone may see, or null (a private one has nothing for others to report). */
  const publicMemorial = async (id: string) => {
    const memorial = await memorials.memorials.byId(id)
    return memorial && canView(memorial, null) ? memorial : null
  }
  return {
    post: byNumber(async (id) => {
      const post = await feed.post(id, null)
      return post && { authorId: post.author.id, url: `/posts/${post.id}` }
    }),
    comment: byNumber(async (id) => {
      const comment = await feed.commentOf(id)
      return comment && { authorId: comment.authorId, url: `/posts/${comment.postId}#comments` }
    }),
    profile: async (id) => {
      const profile = (await accounts.profilesByIds([id])).get(id)
      return profile ? { authorId: profile.id, url: `/@${profile.handle}` } : null
    },
    report: async (id) => {
      const report = await finder.reports.publicReport(id)
      return report && { authorId: report.reporterId, url: `/finder/${report.id}` }
    },
    sighting: byNumber(async (id) => {
      const sighting = await finder.sightings.sightingOf(id)
      return sighting && { authorId: sighting.authorId, url: `/finder/${sighting.reportId}#sightings` }
    }),
    memorial: async (id) => {
      const memorial = await publicMemorial(id)
      return memorial && { authorId: memorial.ownerId, url: `/memorials/${memorial.slug}` }
    },
    tribute: byNumber(async (id) => {
      const tribute = await memorials.tributes.tributeOf(id)
      const memorial = tribute && (await publicMemorial(tribute.memorialId))
      return tribute && memorial ? { authorId: tribute.authorId, url: `/memorials/${memorial.slug}#tributes` } : null
    }),
  }
}

/** The header shows the viewer's photo from the cached session: a new photo must drop that cache. */
function viewerRefreshingAvatars(avatars: Avatars, sessions: Sessions): Avatars {
  return {
    ...avatars,
    async replace(userId, input) {
      const result = await avatars.replace(userId, input)
      if (result.ok) await sessions.forgetViewer(userId)
      return result
    },
  }
}
