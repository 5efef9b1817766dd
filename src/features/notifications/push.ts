/**
 * Web push, put together: the VAPID keys, members' subscriptions and preferences, the sender, and
 * the push of ordinary notifications. `sender` and `memberPush` are null when push is off (no keys
 * with PostgreSQL, see vapid.ts); subscriptions, preferences and the in-app list work either way.
 */
import type { Kysely } from 'kysely'
import type { Config } from '@/config'
import { createMemberPush, type MemberPush } from '@/features/notifications/member-push'
import { createPushSender } from '@/features/notifications/push-sender'
import { createPushSubscriptions } from '@/features/notifications/push-subscriptions'
import { vapidKeysFor } from '@/features/notifications/vapid'
import type { Logger } from '@/infra/log'
import type { Store } from '@/infra/store/store'
import type { AccountsDomain } from '@/schema'

export interface PushDeps {
  config: Config
  log: Logger
  db: Kysely<AccountsDomain>
  store: Store
  enqueue: (push: MemberPush) => Promise<void>
  /** Extra certificate authority the sender trusts (PEM): the tests' loopback push service. */
  ca?: string
}

export function createPush({ config, log, db, store, enqueue, ca }: PushDeps) {
  const vapid = vapidKeysFor(config, log)
  const subscriptions = createPushSubscriptions(db, config)
  const sender = vapid ? createPushSender({ vapid, store, log, config, ...(ca && { ca }) }) : null
  return {
    /** The public key browsers subscribe with, or null when push is off. */
    publicKey: vapid?.publicKey ?? null,
    subscriptions,
    sender,
    memberPush: sender && createMemberPush({ config, subscriptions, sender, enqueue }),
  }
}

export type Push = ReturnType<typeof createPush>
