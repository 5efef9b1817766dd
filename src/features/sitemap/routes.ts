/** `/sitemap.xml`, its chunks under `/sitemaps/`, and `/robots.txt` (src/features/sitemap/service.ts). */
import { Elysia, NotFoundError } from 'elysia'
import type { Sitemap } from '@/features/sitemap/service'

/** Crawlers come back daily at most; an hour at the CDN keeps the index query rare. */
const SITEMAP_CACHE = 'public, max-age=3600'

export function sitemapRoutes({ sitemap }: { sitemap: Sitemap }) {
  const xml = (body: string) => new Response(body, { headers: { 'Content-Type': 'application/xml; charset=utf-8', 'Cache-Control': SITEMAP_CACHE } })
  return new Elysia({ name: 'sitemap' })
    .get('/sitemap.xml', async () => xml(await sitemap.indexXml()))
    .get('/sitemaps/:file', async ({ params, query }) => {
      const name = /^([a-z-]+)\.xml$/.exec(params.file)?.[1]
      const body = name ? await sitemap.chunkXml(name, { from: query.from, to: query.to }) : null
      if (!body) throw new NotFoundError()
      return xml(body)
    })
    .get('/robots.txt', () => new Response(sitemap.robotsTxt(), { headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': SITEMAP_CACHE } }))
}
