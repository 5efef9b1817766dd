/** `/`: the landing page for visitors, the home page for members. */
import { Elysia } from 'elysia'
import type { HttpContext } from '@/http/context'
import { page } from '@/http/render'
import { Home, Landing } from '@views/home/home'

export function homeRoutes({ context }: { context: HttpContext }) {
  return new Elysia({ name: 'home' }).use(context).get('/', ({ render }) =>
    page(render, {
      title: 'Nine Lives',
      description: 'A community for cat people: share your cats, find lost cats nearby, and remember the ones who have gone.',
      main: render.viewer ? Home({ viewer: render.viewer }) : Landing(),
    }),
  )
}
