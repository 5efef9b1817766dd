/**
 * The back office at /admin (issue 20). One guard covers every route of this plugin: anyone who is
 * not staff (signed out, or a member) gets a 404, as if nothing were here, before any handler runs.
 * `tests/integration/admin.test.ts` asks every /admin route of the app as a member and signed out.
 */
import { Elysia } from 'elysia'
import type { Accounts } from '@/features/accounts/service'
import { isStaff, type Viewer } from '@/features/accounts/viewer'
import { isAuditAction, isSubjectKind, type AuditFilter } from '@/features/admin/audit'
import type { BackOffice } from '@/features/admin/feature'
import type { HttpContext } from '@/http/context'
import { HttpError, refuse } from '@/http/errors'
import { textField } from '@/http/form'
import { afterPost, page, type RenderContext } from '@/http/page'
import { integerId } from '@/shared/ids'
import { AdminHome, AuditPage, type AuditQuery } from '@views/admin/admin-pages'
import { QueuePage, type QueuePageProps } from '@views/admin/queue'

interface AdminRouteDeps {
  context: HttpContext
  backOffice: BackOffice
  accounts: Pick<Accounts, 'accountNamed' | 'profilesByIds'>
}

const DONE_MESSAGES: Record<string, string> = {
  hide: 'Hidden. The author has been told why.',
  restore: 'Restored. The author has been told.',
  dismiss: 'The reports were dismissed.',
}

/** The viewer of a back office page or action: a moderator or an admin, else a 404. */
export function requireStaff(render: RenderContext): Viewer {
  const viewer = render.viewer
  if (!viewer || !isStaff(viewer)) throw new HttpError(404)
  return viewer
}

export function adminRoutes({ context, backOffice, accounts }: AdminRouteDeps) {
  const { audit, flags, moderation } = backOffice

  /** The queue with each item's address (null once it is gone), and what moderators hid. */
  async function queuePage(render: RenderContext, extra: Pick<QueuePageProps, 'refused' | 'done'>, status = 200) {
    const [queued, hidden] = await Promise.all([flags.queue(), audit.hiddenItems()])
    const items = await Promise.all(queued.map(async (item) => ({ ...item, url: (await flags.target(item.kind, item.itemId))?.url ?? null })))
    return page(render, { title: 'Reports', main: QueuePage({ items, hidden, ...extra }), status, noindex: true })
  }
  return (
    new Elysia({ name: 'admin' })
      .use(context)
      // Every route below: staff only. A route added later is covered without a line of its own.
      .onBeforeHandle(({ render }) => void requireStaff(render))
      .get('/admin', ({ render }) => page(render, { title: 'Back office', main: AdminHome({ viewer: requireStaff(render) }), noindex: true }))
      .get('/admin/reports', ({ render, query }) => {
        requireStaff(render)
        const done = query.done && DONE_MESSAGES[query.done]
        return queuePage(render, { done })
      })
      .post('/admin/reports', async ({ render, body }) => {
        const staff = requireStaff(render)
        const input = { kind: textField(body, 'kind'), id: textField(body, 'id'), action: textField(body, 'action'), reason: textField(body, 'reason') }
        const result = await moderation.act(staff, input)
        if (result.ok) return afterPost(render, `/admin/reports?done=${result.value}`)
        if (!result.errors.reason) refuse(result)
        const refused = { kind: input.kind, id: input.id, reason: input.reason, message: result.errors.reason }
        // The queue again, the refused form with what was typed and the message.
        return queuePage(render, { refused }, result.status)
      })
      .get('/admin/audit', async ({ render, query }) => {
        requireStaff(render)
        const asked: AuditQuery = {
          actor: (query.actor ?? '').trim().replace(/^@/, ''),
          action: query.action ?? '',
          kind: query.kind ?? '',
          subject: (query.subject ?? '').trim(),
        }
        const filter: AuditFilter = {
          action: isAuditAction(asked.action) ? asked.action : undefined,
          subjectKind: isSubjectKind(asked.kind) ? asked.kind : undefined,
          subjectId: asked.subject || undefined,
        }
        const actor = asked.actor ? await accounts.accountNamed(asked.actor) : null
        // A handle nobody has: nothing to show, rather than every row.
        const unknownActor = Boolean(asked.actor) && !actor
        if (actor) filter.actorId = actor.id
        const before = integerId(query.before ?? '')
        const found = unknownActor ? { rows: [], next: null } : await audit.page(filter, before)
        const actors = await accounts.profilesByIds(found.rows.flatMap((row) => row.actor_id ?? []))
        const handles = new Map([...actors].map(([id, profile]) => [id, profile.handle]))
        return page(render, { title: 'Audit log', main: AuditPage({ query: asked, unknownActor, ...found, handles }), noindex: true })
      })
  )
}
