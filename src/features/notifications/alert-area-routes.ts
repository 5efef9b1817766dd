/**
 * The alert-area part of /settings: shown inside the settings page (`alertAreaSection`, given to the
 * accounts routes), saved and removed here. A refused save comes back on /settings/alert-area, a page
 * with just this section, so the accounts feature needn't know about alert areas.
 */
import { Elysia } from 'elysia'
import type { Config } from '@/config'
import type { Viewer } from '@/features/accounts/viewer'
import type { AlertAreaErrors, AlertAreas } from '@/features/notifications/alert-areas'
import type { Place } from '@/features/finder/gazetteer'
import type { HttpContext } from '@/http/context'
import { textField } from '@/http/form'
import { afterPost, page, type RenderContext } from '@/http/page'
import { requireViewer } from '@/http/viewer'
import { ALERT_AREA_ID, AlertAreaSection } from '@views/notifications/alert-area'

interface AlertAreaSettingsDeps {
  config: Pick<Config, 'finder'>
  alertAreas: AlertAreas
  /** Called after a member's area changes: pages that show it (the cached home page) drop their copy. */
  changed: (userId: string) => Promise<void>
}

interface AlertAreaForm {
  values: { town?: string; lat?: string; lng?: string; radius_km?: string }
  errors: AlertAreaErrors
  suggestions: Place[]
}

export function createAlertAreaSettings({ config, alertAreas, changed }: AlertAreaSettingsDeps) {
  const map = { tileUrl: config.finder.mapTileUrl, attribution: config.finder.mapAttribution }

  /** The section for a viewer: their area (the form pre-filled with their own home) or an empty form. */
  async function section(viewer: Viewer, form?: AlertAreaForm): Promise<JSX.Element> {
    const area = await alertAreas.alertAreaOf(viewer.id)
    const values = form?.values ?? (area ? { lat: String(area.home.lat), lng: String(area.home.lng) } : {})
    return AlertAreaSection({ area, values, errors: form?.errors ?? {}, suggestions: form?.suggestions ?? [], maxKm: alertAreas.maxKm, map })
  }

  const sectionPage = async (render: RenderContext, viewer: Viewer, form?: AlertAreaForm, status = 200) =>
    page(render, { title: 'Alert area', main: await section(viewer, form), noindex: true, status })

  const routes = (context: HttpContext) =>
    new Elysia({ name: 'alert-area' })
      .use(context)
      .get('/settings/alert-area', ({ render }) => sectionPage(render, requireViewer(render)))
      .post('/settings/alert-area', async ({ render, body }) => {
        const viewer = requireViewer(render)
        const values = {
          town: textField(body, 'town_choice') || textField(body, 'town'),
          lat: textField(body, 'lat'),
          lng: textField(body, 'lng'),
          radius_km: textField(body, 'radius_km'),
        }
        const saved = await alertAreas.save(viewer.id, { place: { town: values.town, lat: values.lat, lng: values.lng }, radiusKm: values.radius_km })
        if (!saved.ok) return sectionPage(render, viewer, { values, errors: saved.errors, suggestions: saved.suggestions ?? [] }, 422)
        await changed(viewer.id)
        return afterPost(render, `/settings#${ALERT_AREA_ID}`)
      })
      .post('/settings/alert-area/remove', async ({ render }) => {
        const viewer = requireViewer(render)
        await alertAreas.remove(viewer.id)
        await changed(viewer.id)
        return afterPost(render, `/settings#${ALERT_AREA_ID}`)
      })

  return { section, routes }
}
