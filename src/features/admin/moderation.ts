/**
 * What moderators do with reported items (issue 20): dismiss the reports, hide an item (gone for
 * everyone) or restore it. A reason is always required; every action is recorded in the audit log
 * (and, for hide and restore, shown on the public moderation log), and the item's author is told
 * in-app with the reason. Staff never act on their own items.
 */
import type { Viewer } from '@/features/accounts/viewer'
import type { AuditLog } from '@/features/admin/audit'
import { isFlagKind, type FlagKind, type Flags } from '@/features/admin/flags'
import { refusal, type Result } from '@/shared/result'

export const MODERATION_ACTIONS = ['dismiss', 'hide', 'restore'] as const
export type ModerationAction = (typeof MODERATION_ACTIONS)[number]
// Cast: includes() on the readonly tuple takes only its members; widening lets the guard ask any string.
const isModerationAction = (value: string): value is ModerationAction => (MODERATION_ACTIONS as readonly string[]).includes(value)

/** How a kind of item is hidden and shown again, by the feature that owns it. */
export interface Hideable {
  /** Whose the item is, hidden or not; null when there is no such item. */
  authorOf(id: string): Promise<string | null>
  /** Hides or shows it; null when there is no such item, `changed` false when it was so already. */
  setHidden(id: string, hidden: boolean): Promise<{ changed: boolean } | null>
}

export interface ModerationInput {
  kind: string
  id: string
  action: string
  reason: string
}

export const REASON_MAX = 500

/** How the author's notification names their item. */
const ITEM_NAMES: Record<FlagKind, string> = {
  post: 'post',
  comment: 'comment',
  profile: 'profile',
  report: 'lost/found report',
  sighting: 'sighting',
  memorial: 'memorial',
  tribute: 'tribute',
}

export const MODERATION_MESSAGES = {
  reason: 'Please give a reason: the author is told it.',
  reasonTooLong: (length: number) => `A reason can have at most ${REASON_MAX} characters; this one has ${length}.`,
  own: 'This is yours: another moderator must act on it.',
  nothingOpen: 'There is no open report on this item.',
  alreadyHidden: 'This is hidden already.',
  notHidden: 'This is not hidden.',
  cannotHide: 'This kind of item cannot be hidden from here yet.',
} as const

interface ModerationDeps {
  flags: Flags
  audit: AuditLog
  hideables: Partial<Record<FlagKind, Hideable>>
  /** Tells a member something in-app (the notifications feature). */
  tell: (userId: string, text: string) => Promise<void>
}

export function createModeration({ flags, audit, hideables, tell }: ModerationDeps) {
  return {
    async act(staff: Viewer, input: ModerationInput): Promise<Result<ModerationAction, 'reason'>> {
      const { kind, id } = input
      if (!isFlagKind(kind)) return refusal(404)
      const action = input.action
      if (!isModerationAction(action)) return refusal(400)
      const reason = input.reason.trim()
      if (!reason) return { ok: false, status: 422, errors: { reason: MODERATION_MESSAGES.reason } }
      if (reason.length > REASON_MAX) return { ok: false, status: 422, errors: { reason: MODERATION_MESSAGES.reasonTooLong(reason.length) } }

      const hideable = hideables[kind]
      const authorId = hideable ? await hideable.authorOf(id) : ((await flags.target(kind, id))?.authorId ?? null)
      if (authorId === null && action !== 'dismiss') return refusal(404)
      if (authorId !== null && authorId === staff.id) return refusal(403, MODERATION_MESSAGES.own)
      const entry = { actorId: staff.id, subjectKind: kind, subjectId: id, reason }

      if (action === 'dismiss') {
        const closed = await flags.resolve(kind, id, 'dismissed')
        if (closed === 0) return refusal(409, MODERATION_MESSAGES.nothingOpen)
        await audit.record({ ...entry, action: 'flags.dismiss', before: `${closed} open`, after: 'dismissed' })
        return { ok: true, value: action }
      }
      if (!hideable) return refusal(409, MODERATION_MESSAGES.cannotHide)
      if (authorId === null) return refusal(404)
      const hidden = action === 'hide'
      const changed = await hideable.setHidden(id, hidden)
      if (!changed) return refusal(404)
      if (!changed.changed) return refusal(409, hidden ? MODERATION_MESSAGES.alreadyHidden : MODERATION_MESSAGES.notHidden)
      if (hidden) await flags.resolve(kind, id, 'upheld')
      await audit.record({ ...entry, action: hidden ? 'item.hide' : 'item.restore', before: hidden ? 'shown' : 'hidden', after: hidden ? 'hidden' : 'shown' })
      const what = ITEM_NAMES[kind]
      await tell(authorId, hidden ? `A moderator hid your ${what}. Reason: ${reason}` : `A moderator restored your ${what}. Reason: ${reason}`)
      return { ok: true, value: action }
    },
  }
}

export type Moderation = ReturnType<typeof createModeration>
