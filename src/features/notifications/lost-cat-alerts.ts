/**
 * Lost-cat alerts: when a cat is reported lost or found, everyone whose alert area holds the spot
 * hears about it — in their in-app list always, and by push in the browsers they turned it on in,
 * if they want alerts pushed.
 *
 * Two queued steps (src/features/notifications/jobs.ts), both safe to run again:
 * 1. `fanOut`: one query finds the members (the GiST index on alert areas), skips the reporter, and
 *    enqueues batches of at most 100 push subscriptions, grouped by region (geohash cell) and nearest
 *    regions first, so the neighbours who could look outside right now hear first.
 * 2. `deliver`: one multi-row insert into the in-app list (once per member per report, by its dedupe
 *    key), then the batch's pushes (src/features/notifications/push-sender.ts, once per browser).
 *
 * When the cat is home, `fanOutReunion` sends the good news the same way to the members the alert
 * reached, under the same push Topic and notification tag: a phone that has not shown the alert yet
 * gets the good news instead, and one that has sees it replaced.
 *
 * @example
 * await alerts.fanOut(announcement)                     // members' own radius
 * await alerts.fanOut(announcement, { reachM: 20_000 }) // a boosted report reaches further
 * await alerts.fanOutReunion(announcement)              // "Pickle is home"
 */
import { sql, type Kysely } from 'kysely'
import type { Config } from '@/config'
import { geographyPoint, latOf, lngOf, shownKm, type LatLng } from '@/features/finder/geodesy'
import { geohash } from '@/features/finder/geohash'
import type { ReportNews } from '@/features/finder/reports'
import type { ReportStatus } from '@/features/finder/vocabulary'
import { areasContainingQuery } from '@/features/notifications/alert-areas'
import type { PushEvent, PushMessage, PushSender } from '@/features/notifications/push-sender'
import type { PushSubscriptions } from '@/features/notifications/push-subscriptions'
import type { Notifications } from '@/features/notifications/service'
import type { Logger } from '@/infra/log'
import type { AccountsDomain } from '@/schema'

/** What the finder tells us about a new report. */
export interface ReportAnnouncement {
  reportId: string
  reporterId: string
  /** Decides which news may still go out (src/features/notifications/jobs.ts). */
  status: ReportStatus
  kind: 'lost' | 'found'
  name: string | null
  /** Decides who is in range: the exact point (never shown). */
  exact: LatLng
  /** Measures the distance people are told: the public point, like every distance shown. */
  public: LatLng
  placeLabel: string
  /** Absolute URL of the first photo's smallest variant. */
  photoUrl: string | null
}

/** What every batch of one report's alert carries: the report's side of the message, and which news it is. */
export type Alert = Pick<ReportAnnouncement, 'reportId' | 'kind' | 'name' | 'placeLabel' | 'photoUrl'> & { news: ReportNews }

export interface AlertRecipient {
  userId: string
  /** From their home to the report's public point. */
  distanceM: number
  /** Their browsers with push on, if they want alerts pushed; empty for the in-app list only. */
  subscriptionIds: number[]
}

/** One queued `alerts.deliver` job. */
export interface AlertBatch {
  alert: Alert
  recipients: AlertRecipient[]
}

/** Push batches of 100 (docs/architecture.md, Background work). A batch runs in a few hundred milliseconds, far inside the queue's 60 s lease. */
export const BATCH_SUBSCRIPTIONS = 100
/** Members without push still take a row of the batch's in-app insert: bound those too. */
const BATCH_RECIPIENTS = 100
/** Geohash cells of ~4.9 × 4.9 km: a neighbourhood, about the default alert radius. */
const REGION_PRECISION = 5
/** Push services keep an alert this long for a phone that is off; a day-old alert is still worth a look. */
const ALERT_TTL_SECONDS = 24 * 60 * 60

export interface LostCatAlertsDeps {
  db: Kysely<AccountsDomain>
  config: Pick<Config, 'finder' | 'publicUrl'>
  notifications: Pick<Notifications, 'notifyMany'>
  subscriptions: PushSubscriptions
  /** Null when push is off: the in-app list still gets every alert. */
  sender: PushSender | null
  enqueueBatches: (batches: AlertBatch[]) => Promise<void>
  log: Logger
}

export function createLostCatAlerts({ db, config, notifications, subscriptions, sender, enqueueBatches, log }: LostCatAlertsDeps) {
  /** Members to alert, with their home and the browsers to push to. */
  async function recipientsOf(report: ReportAnnouncement, reachM: number) {
    const rows = await areasContainingQuery(db, report.exact, config.finder.alertRadiusMaxKm, reachM)
      .leftJoin('notification_preferences as p', 'p.user_id', 'alert_areas.user_id')
      .leftJoin('push_subscriptions as s', (join) =>
        join.onRef('s.user_id', '=', 'alert_areas.user_id').on(sql<boolean>`coalesce(p.push_alerts, true)`),
      )
      .select([
        latOf('alert_areas.home_point').as('lat'),
        lngOf('alert_areas.home_point').as('lng'),
        sql<number>`ST_Distance(alert_areas.home_point, ${geographyPoint(report.public)})`.as('distance_m'),
        sql<(number | string)[]>`coalesce(array_agg(s.id) filter (where s.id is not null), '{}')`.as('subscription_ids'),
      ])
      .where('alert_areas.user_id', '<>', report.reporterId)
      .groupBy(['alert_areas.user_id', 'alert_areas.radius_m', 'alert_areas.home_point'])
      .execute()
    return rows.map((row) => ({
      home: { lat: row.lat, lng: row.lng },
      recipient: { userId: row.user_id, distanceM: Math.round(row.distance_m), subscriptionIds: row.subscription_ids.map(Number) },
    }))
  }

  return {
    /** Finds who should hear about a report and queues their batches; returns how many members. */
    async fanOut(report: ReportAnnouncement, { reachM = 0 }: { reachM?: number } = {}): Promise<number> {
      const found = await recipientsOf(report, reachM)
      const regions = Map.groupBy(found, ({ home }) => geohash(home, REGION_PRECISION))
      const batches: AlertBatch[] = []
      const alert = alertOf(report, 'reported')
      for (const members of nearestFirst([...regions.values()].map((region) => region.map(({ recipient }) => recipient)))) {
        for (const recipients of chunks(members)) batches.push({ alert, recipients })
      }
      await enqueueBatches(batches)
      log.info({ reportId: report.reportId, members: found.length, batches: batches.length, reachM }, 'lost-cat alert fanned out')
      return found.length
    },

    /** The good news to every member the report's alert reached (their in-app alert is the record), with their browsers as they are now. */
    async fanOutReunion(report: ReportAnnouncement): Promise<number> {
      const rows = await db
        .selectFrom('notifications as n')
        .leftJoin('notification_preferences as p', 'p.user_id', 'n.user_id')
        .leftJoin('push_subscriptions as s', (join) => join.onRef('s.user_id', '=', 'n.user_id').on(sql<boolean>`coalesce(p.push_alerts, true)`))
        .select(['n.user_id', sql<(number | string)[]>`coalesce(array_agg(s.id) filter (where s.id is not null), '{}')`.as('subscription_ids')])
        .where('n.dedupe_key', '=', eventKey(report.reportId, 'reported'))
        .groupBy('n.user_id')
        .execute()
      const recipients = rows.map((row) => ({ userId: row.user_id, distanceM: 0, subscriptionIds: row.subscription_ids.map(Number) }))
      const alert = alertOf(report, 'reunited')
      await enqueueBatches(chunks(recipients).map((batch) => ({ alert, recipients: batch })))
      log.info({ reportId: report.reportId, members: recipients.length }, 'lost-cat reunion fanned out')
      return recipients.length
    },

    /** One batch: the in-app notes, then the pushes. Throws when some pushes must be tried again later. */
    async deliver({ alert, recipients }: AlertBatch): Promise<void> {
      await notifications.notifyMany(
        recipients.map((recipient) => ({
          userId: recipient.userId,
          kind: 'finder.alert',
          text: alertText(alert, recipient.distanceM),
          url: `/finder/${alert.reportId}`,
          dedupeKey: eventKey(alert.reportId, alert.news),
        })),
      )
      if (!sender) return
      const distances = new Map(recipients.map((recipient) => [recipient.userId, recipient.distanceM]))
      const targets = await subscriptions.targets(recipients.flatMap((recipient) => recipient.subscriptionIds))
      const deliveries = targets.map((target) => ({ target, message: pushMessage(alert, distances.get(target.userId) ?? 0, config.publicUrl) }))
      const outcome = await sender.sendBatch(alertEvent(alert), deliveries)
      await subscriptions.recordResults(outcome)
      if (outcome.later.length > 0) throw new Error(`${outcome.later.length} of ${deliveries.length} pushes not through yet; the queue will retry them`)
    },
  }
}

export type LostCatAlerts = ReturnType<typeof createLostCatAlerts>

/** The push event of a report's news: its Topic (the report id's 32 hex digits) is the same for every news of a report. */
export function alertEvent(alert: Pick<Alert, 'reportId' | 'news'>): PushEvent {
  const urgency = alert.news === 'reported' ? 'high' : 'normal'
  return { key: eventKey(alert.reportId, alert.news), topic: alert.reportId.replaceAll('-', ''), ttlSeconds: ALERT_TTL_SECONDS, urgency }
}

/** Names one news of one report, for the once-per-member in-app note and the once-per-browser push. */
function eventKey(reportId: string, news: ReportNews): string {
  return news === 'reported' ? `alert:${reportId}` : `alert:${reportId}:${news}`
}

function alertOf(report: ReportAnnouncement, news: ReportNews): Alert {
  return { reportId: report.reportId, kind: report.kind, name: report.name, placeLabel: report.placeLabel, photoUrl: report.photoUrl, news }
}

/** How the good news names the cat. */
const homeAgain = (alert: Alert) => `${alert.name ?? (alert.kind === 'lost' ? 'The lost cat' : 'The cat that was found')} is home again`

function where(placeLabel: string): string {
  return placeLabel.startsWith('near ') ? placeLabel : `in ${placeLabel}`
}

function alertText(alert: Alert, distanceM: number): string {
  if (alert.news === 'reunited') return `Good news: ${homeAgain(alert)} ${where(alert.placeLabel)}. Thank you for looking out.`
  const cat = alert.kind === 'lost' ? `Lost cat near you${alert.name ? `: ${alert.name}` : ''}` : 'A cat was found near you'
  return `${cat}, ${shownKm(distanceM)} from your home, ${where(alert.placeLabel)}.`
}

function pushMessage(alert: Alert, distanceM: number, publicUrl: URL): PushMessage {
  const title = alert.kind === 'lost' ? `Lost cat nearby${alert.name ? `: ${alert.name}` : ''}` : 'Cat found nearby'
  const reunited = alert.news === 'reunited'
  return {
    title: reunited ? `Good news: ${homeAgain(alert)}` : title,
    body: reunited
      ? 'Thank you for keeping an eye out.'
      : `${shownKm(distanceM)} from your home, ${where(alert.placeLabel)}. ${alert.kind === 'lost' ? 'Can you keep an eye out?' : 'Do you know this cat?'}`,
    url: new URL(`/finder/${alert.reportId}`, publicUrl).href,
    ...(alert.photoUrl && { icon: alert.photoUrl }),
    tag: `report-${alert.reportId}`,
  }
}

/** Regions ordered by their nearest member, members within each nearest first. */
function nearestFirst(regions: AlertRecipient[][]): AlertRecipient[][] {
  const sorted = regions.map((members) => members.toSorted((a, b) => a.distanceM - b.distanceM))
  return sorted.toSorted((a, b) => a[0]!.distanceM - b[0]!.distanceM)
}

/** Consecutive runs of at most BATCH_SUBSCRIPTIONS subscriptions and BATCH_RECIPIENTS members. */
function chunks(members: AlertRecipient[]): AlertRecipient[][] {
  const batches: AlertRecipient[][] = []
  let current: AlertRecipient[] = []
  let subscriptions = 0
  for (const member of members) {
    const more = member.subscriptionIds.length
    if (current.length > 0 && (current.length >= BATCH_RECIPIENTS || subscriptions + more > BATCH_SUBSCRIPTIONS)) {
      batches.push(current)
      current = []
      subscriptions = 0
    }
    // A member with more than 100 browsers can't be: MAX_BROWSERS is 20.
    current.push(member)
    subscriptions += more
  }
  if (current.length > 0) batches.push(current)
  return batches
}
