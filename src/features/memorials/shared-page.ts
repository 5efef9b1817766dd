/**
 * The shared part of a memorial page: what every visitor sees alike, rendered from the database by
 * the memorial views and kept in the page cache (page-cache.ts). Routes ask here for a slug's page;
 * the visitor's own parts are added per request (views/memorials/memorial-page.tsx).
 */
import { picturesInOrder, type MediaPicture } from '@/features/media/service'
import type { CachedMemorialPage, KeptShared, MemorialPageCache, RenderedHtml, ShareImage } from '@/features/memorials/page-cache'
import type { Memorial, Memorials } from '@/features/memorials/service'
import { renderStory } from '@/features/memorials/story'
import type { Tributes } from '@/features/memorials/tributes'
import { formatPartialDate } from '@/features/memorials/dates'
import type { SharedPage } from '@/http/shared-page'
import { MemorialContent, MemorialHero, TributeList } from '@views/memorials/memorial-page'

/** Search engines show about 155 characters of a description; longer is cut there anyway. */
const DESCRIPTION_MAX = 155

/** The page, or the memorial that moved away from the slug asked for (answered with a 301). */
export type SharedPageLookup = { page: CachedMemorialPage } | { movedFrom: Memorial } | null

interface Deps {
  memorials: Memorials
  tributes: Tributes
  pageCache: MemorialPageCache
  publicUrl: URL
}

export function createSharedPages({ memorials, tributes, pageCache, publicUrl }: Deps) {
  /** True while the memorial is as `memorial` says: a render from it may be kept. */
  async function stillCurrent(memorial: Memorial): Promise<boolean> {
    const lastChanged = await memorials.lastChanged(memorial.id)
    return lastChanged?.getTime() === memorial.updatedAt.getTime()
  }

  async function lookUpAndRender(slug: string): Promise<SharedPageLookup> {
    const found = await memorials.bySlug(slug)
    if (!found) return null
    const { memorial } = found
    if (found.moved) return { movedFrom: memorial }
    const page = await render(memorial)
    // An edit that came in meanwhile has already dropped the old entry: keeping this one would undo it.
    if (pageCache.enabled && (await stillCurrent(memorial))) await pageCache.keep(page)
    return { page }
  }

  async function render(memorial: Memorial): Promise<CachedMemorialPage> {
    const [galleryIds, shown] = await Promise.all([memorials.galleryIds(memorial.id), tributes.shownTributes(memorial.id)])
    const pictures = await memorials.pictures([memorial.coverMediaId, ...galleryIds])
    const cover = memorial.coverMediaId ? (pictures.get(memorial.coverMediaId) ?? null) : null
    const gallery = picturesInOrder(galleryIds, pictures)
    const story = renderStory(memorial.story)
    return {
      memorial,
      description: describe(memorial, story.plainText),
      shareImage: cover ? shareImageOf(cover, publicUrl) : null,
      // Cast: a component returns JSX.Element (string | Promise); awaited, each of these is the rendered string.
      hero: (await MemorialHero({ memorial, cover })) as RenderedHtml,
      content: (await MemorialContent({ story: story.trustedHtml, gallery })) as RenderedHtml,
      tributes: (await TributeList({ memorial, tributes: shown })) as RenderedHtml,
    }
  }

  return {
    /**
     * The shared page at `slug`: from the cache, else rendered (and kept); the memorial that moved
     * when `slug` is an old one; null when there is none. Says nothing about who may see it.
     */
    async sharedPage(slug: string): Promise<SharedPageLookup> {
      const cached = await pageCache.cachedPage(slug)
      if (cached) return { page: cached }
      return pageCache.lookUpOnce(slug, () => lookUpAndRender(slug))
    },

    /** The whole page kept for signed-out visitors of the (public) memorial at `slug`, if any. */
    keptShared(slug: string): Promise<KeptShared | null> {
      return pageCache.keptShared(slug)
    },

    sharedHtml(etag: string): Promise<string | null> {
      return pageCache.sharedHtml(etag)
    },

    /** Keeps the whole page signed-out visitors get, unless the memorial changed since it was read. */
    async keepShared(memorial: Memorial, page: SharedPage): Promise<void> {
      if (pageCache.enabled && (await stillCurrent(memorial))) await pageCache.keepShared(memorial, page)
    },

    /** The shown tributes as the page lists them (for the htmx answer to a new tribute). */
    async tributeList(memorial: Memorial): Promise<JSX.Element> {
      return TributeList({ memorial, tributes: await tributes.shownTributes(memorial.id) })
    },
  }
}

export type SharedPages = ReturnType<typeof createSharedPages>

/** The start of the story, cut at a word; without a story, a sentence about the page. */
export function describe(memorial: Memorial, storyText: string): string {
  if (!storyText) {
    const life = [memorial.born && formatPartialDate(memorial.born), formatPartialDate(memorial.passed)].filter(Boolean).join(' – ')
    return `In memory of ${memorial.name} (${life}). Light a candle and leave a tribute on Nine Lives.`
  }
  if (storyText.length <= DESCRIPTION_MAX) return storyText
  const cut = storyText.slice(0, DESCRIPTION_MAX - 1)
  const atWord = cut.slice(0, cut.lastIndexOf(' ')).replace(/[\s,.;:!?–—-]+$/, '')
  return `${atWord || cut}…`
}

/** The largest JPEG of the cover (every social network reads JPEG), as an absolute URL. */
function shareImageOf(cover: MediaPicture, publicUrl: URL): ShareImage {
  const largest = cover.sources.jpeg.at(-1) ?? cover.fallback
  return { url: new URL(largest.url, publicUrl).href, width: largest.width, height: largest.height, alt: cover.alt }
}
