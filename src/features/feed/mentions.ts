/**
 * @mentions: a member named in a post or comment hears about it in their notifications (and by
 * push, if they asked for social pushes). Only handles that belong to someone count; the writer
 * and anyone in `alreadyTold` (a post's author, told of the comment itself) are left out.
 */
import type { Viewer } from '@/features/accounts/viewer'
import type { Accounts } from '@/features/accounts/service'
import { mentionedHandles } from '@/features/feed/text-links'
import type { Notifications } from '@/features/notifications/service'

/** More than this in one text is a list, not a conversation: the rest are not notified. */
const MENTIONS_NOTIFIED_MAX = 10
const QUOTE_MAX = 80

export function createMentions({ accounts, notifications }: { accounts: Accounts; notifications: Notifications }) {
  return {
    async notify(writer: Viewer, text: string, url: string, { what, alreadyTold = [] }: { what: 'post' | 'comment'; alreadyTold?: string[] }): Promise<void> {
      const handles = mentionedHandles(text).slice(0, MENTIONS_NOTIFIED_MAX)
      const profiles = await Promise.all(handles.map((handle) => accounts.profileByHandle(handle)))
      const quote = text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX - 1)}…` : text
      for (const profile of profiles) {
        if (!profile || profile.id === writer.id || alreadyTold.includes(profile.id)) continue
        await notifications.notify(profile.id, { kind: 'mention', text: `@${writer.handle} mentioned you in a ${what}: “${quote}”`, url })
      }
    },
  }
}
export type Mentions = ReturnType<typeof createMentions>
