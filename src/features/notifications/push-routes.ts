/**
 * Push in /settings: the section (given to the accounts routes, like the alert area's), the
 * subscription a browser sends from static/push-subscribe.js, the member's choices of what to push,
 * and turning push off in one of their browsers. Everything but subscribing works without JavaScript.
 */
import { Elysia } from 'elysia'
import type { Viewer } from '@/features/accounts/viewer'
import type { Push } from '@/features/notifications/push'
import { browserLabel } from '@/features/notifications/push-subscriptions'
import type { HttpContext } from '@/http/context'
import { HttpError } from '@/http/errors'
import { textFields } from '@/http/form'
import { integerIdParam } from '@/http/params'
import { byAccount, limitRate } from '@/http/rate-limit'
import { afterPost } from '@/http/page'
import { requireViewer } from '@/http/viewer'
import type { Store } from '@/infra/store/store'
import { PUSH_SECTION_ID, PushSection } from '@views/notifications/push-settings'

/** Subscribing happens once per browser; 30 an hour is a member fiddling, more is a script. */
const SUBSCRIBE_RATE_LIMIT = { attempts: 30, windowSeconds: 3600 }

export function createPushSettings({ push, store }: { push: Push; store: Store }) {
  async function section(viewer: Viewer): Promise<JSX.Element> {
    const [preferences, browsers] = await Promise.all([push.subscriptions.preferencesOf(viewer.id), push.subscriptions.browsersOf(viewer.id)])
    return PushSection({ publicKey: push.publicKey, preferences, browsers })
  }

  /** The subscribe endpoint answers the script in JSON: what it shows the member, if anything went wrong. */
  const json = (status: number, body: Record<string, unknown>) =>
    Response.json(body, { status, headers: { 'Cache-Control': 'private, no-store' } })

  const routes = (context: HttpContext) =>
    new Elysia({ name: 'push-settings' })
      .use(context)
      // The Origin check (src/http/security.ts) has already refused a forged request.
      .post('/push/subscribe', async ({ render, body, request }) => {
        const viewer = requireViewer(render)
        await limitRate(store, [byAccount('push-subscribe', viewer.id)], SUBSCRIBE_RATE_LIMIT)
        if (!push.publicKey) return json(409, { error: 'Push notifications are not set up on this server.' })
        if (!body || typeof body !== 'object') return json(400, { error: 'Send the subscription as JSON.' })
        // Cast: checked just above to be a non-null object; subscribe() checks each field.
        const { endpoint, keys } = body as Record<string, unknown>
        const saved = await push.subscriptions.subscribe(viewer.id, { endpoint, keys }, browserLabel(request.headers.get('user-agent')))
        if (!saved.ok) return json(422, { error: saved.errors.subscription })
        return json(201, { id: saved.value.id, label: saved.value.label })
      })
      .post('/settings/notifications', async ({ render, body }) => {
        const viewer = requireViewer(render)
        await push.subscriptions.savePreferences(viewer.id, textFields(body, 'push'))
        return afterPost(render, `/settings#${PUSH_SECTION_ID}`)
      })
      .post('/settings/push/:id/remove', async ({ render, params }) => {
        const viewer = requireViewer(render)
        if (!(await push.subscriptions.revoke(viewer.id, integerIdParam(params.id)))) throw new HttpError(404)
        return afterPost(render, `/settings#${PUSH_SECTION_ID}`)
      })

  return { section, routes }
}
