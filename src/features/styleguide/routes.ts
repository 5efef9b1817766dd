/**
 * `/styleguide`: every component of the design system on one page, for reviewing a change to
 * static/app.css. Development only: in production the route is not there (404 like any unknown URL).
 */
import { Elysia } from 'elysia'
import type { Config } from '@/config'
import type { HttpContext } from '@/http/context'
import { page } from '@/http/page'
import { StyleguidePage } from '@views/styleguide/styleguide'

export function styleguideRoutes({ config, context }: { config: Config; context: HttpContext }) {
  const routes = new Elysia({ name: 'styleguide' })
  if (config.production) return routes
  return routes.use(context).get('/styleguide', ({ render }) => page(render, { title: 'Styleguide', main: StyleguidePage(), noindex: true }))
}
