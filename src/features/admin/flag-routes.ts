/**
 * Members' "Report" (issue 20): the form at /flag?kind=&id= for any flaggable item, sent to /flag,
 * then a thank-you. Members only (signed out, the page asks to sign in); rate-limited per account
 * and per client address. Works as a plain form; htmx swaps the form for the thank-you. Also the
 * public moderation log at /moderation: what was hidden or restored and why, for everyone.
 */
import { Elysia } from 'elysia'
import type { Config } from '@/config'
import type { AuditLog } from '@/features/admin/audit'
import { isFlagKind, type Flags } from '@/features/admin/flags'
import type { HttpContext } from '@/http/context'
import { HttpError, refuse } from '@/http/errors'
import { textField } from '@/http/form'
import { afterPost, invalid, page } from '@/http/page'
import { byAccount, byAddress, limitRate } from '@/http/rate-limit'
import { requireViewer } from '@/http/viewer'
import type { Store } from '@/infra/store/store'
import { integerId } from '@/shared/ids'
import { FlagForm, FlagFormPage, FlagSentPage, FlagThanks, type FlagFormProps } from '@views/admin/flag-form'
import { ModerationLogPage } from '@views/admin/moderation-log'

interface FlagRouteDeps {
  config: Pick<Config, 'memorials'>
  store: Store
  context: HttpContext
  flags: Flags
  audit: AuditLog
}

export function flagRoutes({ config, store, context, flags, audit }: FlagRouteDeps) {
  return new Elysia({ name: 'flags' })
    .use(context)
    .get('/flag', async ({ render, query }) => {
      requireViewer(render)
      const kind = query.kind ?? ''
      const id = query.id ?? ''
      const target = await flags.target(kind, id)
      if (!target || !isFlagKind(kind)) throw new HttpError(404)
      const props: FlagFormProps = { kind, id, url: target.url, values: { reason: '', note: '' }, errors: {} }
      return page(render, { title: 'Report', main: FlagFormPage(props), fragment: () => FlagForm(props), noindex: true })
    })
    .post('/flag', async ({ render, body, meta }) => {
      const viewer = requireViewer(render)
      await limitRate(store, [byAddress('flag', meta.ip), byAccount('flag', viewer.id)], config.memorials.flagRateLimit)
      const input = { kind: textField(body, 'kind'), id: textField(body, 'id'), reason: textField(body, 'reason'), note: textField(body, 'note') }
      const result = await flags.flag(viewer.id, input)
      if (result.ok) {
        const url = result.value.url
        return afterPost(render, `/flag/sent?kind=${encodeURIComponent(input.kind)}&id=${encodeURIComponent(input.id)}`, () => FlagThanks({ url }))
      }
      const target = await flags.target(input.kind, input.id)
      if (Object.keys(result.errors).length === 0 || !target || !isFlagKind(input.kind)) refuse(result)
      const props: FlagFormProps = { kind: input.kind, id: input.id, url: target.url, values: input, errors: result.errors }
      return invalid(render, { title: 'Report', main: FlagFormPage(props), fragment: () => FlagForm(props), status: result.status, noindex: true })
    })
    .get('/moderation', async ({ render, query }) => {
      const found = await audit.publicPage(integerId(query.before ?? ''))
      return page(render, { title: 'Moderation log', description: 'What moderators hid or restored on Nine Lives, and why.', main: ModerationLogPage(found) })
    })
    .get('/flag/sent', async ({ render, query }) => {
      requireViewer(render)
      const target = await flags.target(query.kind ?? '', query.id ?? '')
      return page(render, { title: 'Report sent', main: FlagSentPage({ url: target?.url ?? '/' }), noindex: true })
    })
}
