/**
 * Pushes of ordinary notifications (a sighting on your report, a like, a tribute): after `notify`
 * stored one, a queued `push.deliver` job sends it to the member's browsers, if they want that kind
 * pushed (src/features/notifications/push-subscriptions.ts, `preferenceFor`).
 */
import type { Config } from '@/config'
import type { PushEvent, PushMessage, PushSender } from '@/features/notifications/push-sender'
import { preferenceFor, type PushSubscriptions } from '@/features/notifications/push-subscriptions'
import type { StoredNotification } from '@/features/notifications/service'

/** One queued `push.deliver` job: a notification for one member's browsers. */
export interface MemberPush {
  event: PushEvent
  message: PushMessage
  subscriptionIds: number[]
}

/** A like or a message is news for a few days; after that the in-app list is where to find it. */
const NOTE_TTL_SECONDS = 3 * 24 * 60 * 60

export interface MemberPushDeps {
  config: Pick<Config, 'publicUrl'>
  subscriptions: PushSubscriptions
  sender: PushSender
  enqueue: (push: MemberPush) => Promise<void>
}

export function createMemberPush({ config, subscriptions, sender, enqueue }: MemberPushDeps) {
  return {
    /** The `pushed` hook of `notify`: queues the push when the member has browsers that want it. */
    async afterNotify(userId: string, notification: StoredNotification): Promise<void> {
      const preference = preferenceFor(notification.kind)
      if (!preference) return
      const subscriptionIds = await subscriptions.targetsFor(userId, preference)
      if (subscriptionIds.length === 0) return
      await enqueue({
        event: { key: `note:${notification.id}`, topic: `note${notification.id}`, ttlSeconds: NOTE_TTL_SECONDS, urgency: 'normal' },
        message: {
          title: 'Nine Lives',
          body: notification.text,
          url: new URL(notification.url ?? '/notifications', config.publicUrl).href,
          tag: `note-${notification.id}`,
        },
        subscriptionIds,
      })
    },

    /** Sends a queued push; throws when some browsers must be tried again later. */
    async deliver({ event, message, subscriptionIds }: MemberPush): Promise<void> {
      const targets = await subscriptions.targets(subscriptionIds)
      const outcome = await sender.sendBatch(event, targets.map((target) => ({ target, message })))
      await subscriptions.recordResults(outcome)
      if (outcome.later.length > 0) throw new Error(`${outcome.later.length} of ${targets.length} pushes not through yet; the queue will retry them`)
    },
  }
}
