/**
 * Every kept or templated rendering equals the same thing rendered fresh: post cards (kept by post
 * and what else they show), finder results (templates by report, version and photo) and the search
 * filters (kept by what they show). Each run changes one thing at a time (a like count, a name, a
 * report's version, a photo gone, a filter) and renders after every change through one cache kept
 * across the run and through an empty one: a key that forgets something the fragment shows serves
 * the older rendering, and the two differ.
 *
 * Inputs keep the app's own promises, which the keys rely on: a post never changes its text, time,
 * photos or author (only counts, marks, the author's name and avatar, its cats' names); a report's
 * card changes only with its `updatedAt`; a photo's record never changes. Free text is free.
 *
 * The seed is fixed and printed; PROPERTY_SEED=<n> runs another.
 */
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import type { Author } from '@/features/feed/authors'
import type { PostCard } from '@/features/feed/service'
import type { NearbyReport } from '@/features/finder/search'
import type { SearchErrors } from '@/features/finder/search-input'
import { COLOURS, PATTERNS, REPORT_KINDS, type Colour } from '@/features/finder/vocabulary'
import type { MediaPicture } from '@/features/media/service'
import { boundedMap } from '@/shared/bounded-map'
import { keptFragments } from '@views/components/kept-fragments'
import { PostItems } from '@views/feed/post-card'
import { Results, SearchArea, type ResultTemplates, type SearchValues } from '@views/finder/search'

const SEED = Number(process.env.PROPERTY_SEED ?? 20261208)
/** Each run renders a few pages; a few hundred runs take seconds. */
const RUNS = 150
console.log(`kept renderings: fast-check seed ${SEED} (PROPERTY_SEED to change it)`)

const settings = { seed: SEED, numRuns: RUNS }
/** The empty feed's message: a string, as JSX makes it (a .ts file has no JSX). */
const EMPTY: JSX.Element = '<p>Nothing yet.</p>'
const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}-3f6c1a52-8d0e-4b7a-9c2e-5a1b2c3d`)

/** A photo record as the media feature gives it: the same for its id, every time. */
function picture(id: string, alt: string): MediaPicture {
  const source = (format: string, width: number) => ({ url: `/media/${id}/${width}.${format}`, width, height: Math.round(width * 0.75) })
  return {
    id,
    alt,
    width: 800,
    height: 600,
    placeholder: 'data:image/webp;base64,AAAA',
    colour: '#aa7744',
    sources: { avif: [source('avif', 400), source('avif', 800)], webp: [source('webp', 400)], jpeg: [source('jpeg', 800)] },
    fallback: source('jpeg', 800),
  }
}

/** Free text, for what a kept rendering never varies on. */
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('Biscuit', 'a & b', '<b>bold</b>', '"quoted"', 'x|y', 'line\nbreak', 'Ünïcødé 🐈'))
/**
 * A few values each, for what does vary between two showings: with free text every showing would
 * differ from the last in that field, and no kept rendering would ever be used (nor tested).
 */
const fewTexts = fc.constantFrom('Mia', 'Mia | cats', 'Tom <3', 'Salt, Pepper')
const PHOTO_IDS = ids('photo', 4)
const photoAlts = fc.array(text, { minLength: PHOTO_IDS.length, maxLength: PHOTO_IDS.length })
const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) }).map((ms) => new Date(ms))

describe('kept renderings equal fresh ones', () => {
  test('post cards', () => {
    const POSTS = 4
    /** What never changes about a post. */
    const fixedPost = fc.record({
      body: text,
      createdAt: instant,
      photos: fc.subarray([0, 1, 2, 3], { maxLength: 3 }),
      catIds: fc.subarray([0, 1, 2], { maxLength: 3 }),
    })
    /** How a post is shown; each step below changes one thing of one post, or of the page. */
    interface Shown {
      likeCount: number
      commentCount: number
      likedByViewer: boolean | null
      ownedByViewer: boolean
      handle: string
      displayName: string
      avatar: number | null
      catNames: string[]
    }
    const first: Shown = { likeCount: 0, commentCount: 0, likedByViewer: false, ownedByViewer: false, handle: 'mia', displayName: 'Mia', avatar: null, catNames: ['Biscuit', 'Biscuit', 'Biscuit'] }
    const change = fc.oneof(
      fc.nat(2).map((likeCount) => ({ likeCount })),
      fc.nat(2).map((commentCount) => ({ commentCount })),
      fc.constantFrom(null, true, false).map((likedByViewer) => ({ likedByViewer })),
      fc.boolean().map((ownedByViewer) => ({ ownedByViewer })),
      fc.constantFrom('mia', 'tom_2').map((handle) => ({ handle })),
      fewTexts.map((displayName) => ({ displayName })),
      fc.option(fc.nat(PHOTO_IDS.length - 1), { nil: null }).map((avatar) => ({ avatar })),
      fc.tuple(fc.nat(2), fewTexts).map(([cat, name]) => ({ cat, name })),
    )
    const pageChange = fc.oneof(
      fc.constantFrom('/', '/explore', '/@mia?cursor=abc').map((back) => ({ back })),
      fc.boolean().map((first) => ({ first })),
    )
    const step = fc.oneof({ arbitrary: fc.record({ post: fc.nat(POSTS - 1), change }), weight: 4 }, { arbitrary: fc.record({ page: pageChange }), weight: 1 })
    fc.assert(
      fc.property(fc.array(fixedPost, { minLength: POSTS, maxLength: POSTS }), photoAlts, fc.array(step, { minLength: 1, maxLength: 25 }), (posts, alts, steps) => {
        const photos = PHOTO_IDS.map((id, i) => picture(id, alts[i]!))
        const shown = posts.map(() => ({ ...first, catNames: [...first.catNames] }))
        const page = { back: '/', first: true }
        const kept = keptFragments(100, 'test')
        for (const next of steps) {
          if ('page' in next) Object.assign(page, next.page)
          else {
            const { cat, name, ...rest }: Partial<Shown> & { cat?: number; name?: string } = next.change
            Object.assign(shown[next.post]!, rest)
            if (cat !== undefined) shown[next.post]!.catNames[cat] = name!
          }
          const cards: PostCard[] = posts.map((fixed, i) => {
            const now = shown[i]!
            const author: Author = { id: `author-${i % 2}`, handle: now.handle, displayName: now.displayName, avatar: now.avatar === null ? null : photos[now.avatar]! }
            return {
              id: i + 1,
              body: fixed.body,
              createdAt: fixed.createdAt,
              likeCount: now.likeCount,
              commentCount: now.commentCount,
              author,
              photos: fixed.photos.map((photo) => photos[photo]!),
              cats: fixed.catIds.map((cat) => ({ id: cat + 1, name: now.catNames[cat]! })),
              likedByViewer: now.likedByViewer,
              ownedByViewer: now.ownedByViewer,
            }
          })
          const props = { posts: cards, nextUrl: null, back: page.back, empty: EMPTY, first: page.first }
          expect(String(PostItems({ ...props, cards: kept }))).toBe(String(PostItems({ ...props, cards: keptFragments(100, 'test') })))
        }
      }),
      settings,
    )
  })

  test('finder results', () => {
    const REPORTS = ids('report', 4)
    const VERSIONS = 3
    /** A report's card at one version (its `updatedAt`): everything a result shows but the distance and age. */
    const card = fc.record({
      kind: fc.constantFrom(...REPORT_KINDS),
      name: fc.option(text, { nil: null }),
      photo: fc.option(fc.nat(PHOTO_IDS.length - 1), { nil: null }),
      colours: fc.subarray([...COLOURS] as Colour[], { minLength: 1, maxLength: 3 }),
      pattern: fc.constantFrom(...PATTERNS),
      lastSeenAt: instant,
      placeLabel: text,
      lat: fc.double({ min: -60, max: 60, noNaN: true }),
      lng: fc.double({ min: -180, max: 180, noNaN: true }),
    })
    const result = fc.record({ report: fc.nat(REPORTS.length - 1), version: fc.nat(VERSIONS - 1), distanceM: fc.double({ min: 0, max: 50_000, noNaN: true }) })
    // A photo whose record is gone (removed) is shown as none, whatever the card says.
    const search = fc.record({ results: fc.array(result, { minLength: 1, maxLength: 5 }), photosGone: fc.subarray(PHOTO_IDS, { maxLength: 2 }), now: instant.map((date) => new Date(date.getTime() + 3 * 86_400_000)), radiusKm: fc.constantFrom(1, 5, 12.5), where: text })
    fc.assert(
      fc.property(fc.array(card, { minLength: REPORTS.length * VERSIONS, maxLength: REPORTS.length * VERSIONS }), photoAlts, fc.array(search, { minLength: 1, maxLength: 6 }), (cards, alts, searches) => {
        const allPhotos = new Map(PHOTO_IDS.map((id, i) => [id, picture(id, alts[i]!)]))
        const templates: ResultTemplates = boundedMap(100)
        for (const { results, photosGone, now, radiusKm, where } of searches) {
          const photos = new Map([...allPhotos].filter(([id]) => !photosGone.includes(id)))
          const reports: NearbyReport[] = results.map(({ report, version, distanceM }) => {
            const shown = cards[report * VERSIONS + version]!
            return {
              id: REPORTS[report]!,
              status: 'active',
              kind: shown.kind,
              foundState: null,
              name: shown.name,
              photoId: shown.photo === null ? null : PHOTO_IDS[shown.photo]!,
              colours: shown.colours,
              pattern: shown.pattern,
              lastSeenAt: shown.lastSeenAt,
              placeLabel: shown.placeLabel,
              point: { lat: shown.lat, lng: shown.lng },
              updatedAt: new Date(Date.UTC(2026, 0, 1) + version * 60_000),
              distanceM,
            }
          })
          const props = { page: { reports, nextCursor: null, via: 'redis' as const }, where, radiusKm, photos, nextHref: null, now }
          expect(String(Results({ ...props, templates }))).toBe(String(Results({ ...props, templates: boundedMap(100) })))
        }
      }),
      settings,
    )
  })

  test('search filters', () => {
    /** As typed into the query string: absent, or any non-empty text (empty values are dropped before). */
    const typed = (...usual: string[]) =>
      fc.option(fc.oneof({ arbitrary: fc.constantFrom(...usual), weight: 6 }, { arbitrary: text.filter((value) => value !== ''), weight: 1 }), { nil: undefined })
    // Each step changes one field of the form, or one error, or the maximum radius.
    const step = fc.oneof(
      typed('Kreuzberg').map((near) => ({ values: { near } })),
      typed('5', '12', '300').map((radius_km) => ({ values: { radius_km } })),
      typed(...REPORT_KINDS).map((kind) => ({ values: { kind } })),
      typed(...COLOURS).map((colour) => ({ values: { colour } })),
      typed(...PATTERNS).map((pattern) => ({ values: { pattern } })),
      typed('2026-12-01').map((seen_since) => ({ values: { seen_since } })),
      fc.option(fc.constantFrom('Give a radius between 0.1 and 50 km.', 'Give a number of kilometres.'), { nil: undefined }).map((radius_km) => ({ errors: { radius_km } })),
      fc.option(fc.constantFrom('Give a date like 2026-12-01.'), { nil: undefined }).map((seen_since) => ({ errors: { seen_since } })),
      fc.constantFrom(25, 50).map((maxRadiusKm) => ({ maxRadiusKm })),
    )
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        const kept = keptFragments(100, 'test')
        const values: Record<string, string | undefined> = {}
        const errors: Record<string, string | undefined> = {}
        let maxRadiusKm = 50
        for (const next of steps) {
          if ('values' in next) Object.assign(values, next.values)
          else if ('errors' in next) Object.assign(errors, next.errors)
          else maxRadiusKm = next.maxRadiusKm
          const shownValues: SearchValues = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined))
          const shownErrors: SearchErrors = Object.fromEntries(Object.entries(errors).filter(([, value]) => value !== undefined))
          const props = { values: shownValues, errors: shownErrors, suggestions: [], others: [], results: '', map: { tileUrl: null, attribution: '© OpenStreetMap' }, maxRadiusKm }
          expect(String(SearchArea({ ...props, keptFilters: kept }))).toBe(String(SearchArea({ ...props, keptFilters: keptFragments(100, 'test') })))
        }
      }),
      settings,
    )
  })
})
