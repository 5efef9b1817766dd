/**
 * CatFinder's demo data and benchmark data.
 *
 * - `seedFinderDemo`: a few believable reports with sightings and "searched here" entries around
 *   Berlin, London and New York, made through the service like a person would (GEO index, caches
 *   and notifications included).
 * - `generateReports`: the benchmark's set, in set-based SQL: `count` reports (70 % active) around
 *   the world's biggest towns, each town's share by population, spread a few kilometres around it.
 */
import { sql, type Kysely } from 'kysely'
import { biggestPlaces, resolvePlace, type Place } from '@/features/finder/gazetteer'
import { demoCatPhoto, PALETTE_COUNT } from '@/features/feed/demo'
import type { Finder } from '@/features/finder/feature'
import type { FinderDomain } from '@/schema'

interface DemoCat {
  kind: 'lost' | 'found'
  name: string
  colours: string[]
  pattern: string
  description: string
  hoursAgo: number
  /** Which of the drawn photos' palettes matches the coat (src/features/feed/demo.ts, demoCatPhoto). */
  palette: number
}

const DEMO_CATS: DemoCat[] = [
  { kind: 'lost', name: 'Biscuit', colours: ['ginger', 'white'], pattern: 'tabby', description: 'Shy ginger tabby with a white chest. Hides under cars when scared.', hoursAgo: 5, palette: 0 },
  { kind: 'lost', name: 'Mochi', colours: ['black', 'white'], pattern: 'tuxedo', description: 'Friendly tuxedo, white socks, loud meow. Indoor cat who slipped out of a window.', hoursAgo: 30, palette: 3 },
  { kind: 'found', name: '', colours: ['grey'], pattern: 'solid', description: 'Grey cat with a blue collar, no tag, sitting by the bakery every morning.', hoursAgo: 12, palette: 4 },
  { kind: 'lost', name: 'Pepper', colours: ['black', 'ginger', 'white'], pattern: 'calico', description: 'Small calico, very timid. Needs daily medication.', hoursAgo: 70, palette: 2 },
  { kind: 'found', name: 'Tiger', colours: ['brown', 'black'], pattern: 'tabby', description: 'Brown tabby now safe with us; his tag says Tiger but the phone number is worn off.', hoursAgo: 3, palette: 1 },
]

const CITIES = ['Kreuzberg', 'Camden Town', 'Brooklyn']
/** ~1.5 km around the centre: a neighbourhood, where lost cats are looked for. */
const DEMO_SPREAD_DEGREES = 0.015

/** Adds demo reports by the given members, once (none are added if the first member has reports). */
export async function seedFinderDemo(finder: Finder, memberIds: string[]): Promise<number> {
  const [first, ...helpers] = memberIds
  if (!first || helpers.length === 0 || (await finder.reports.anyBy(first))) return 0
  let created = 0
  for (const [cityIndex, city] of CITIES.entries()) {
    const resolved = resolvePlace(city)
    if (!resolved.ok) continue
    for (const [catIndex, cat] of DEMO_CATS.entries()) {
      const reporter = memberIds[(cityIndex * DEMO_CATS.length + catIndex) % memberIds.length]!
      const point = jitter(resolved.place, cityIndex * 31 + catIndex)
      // Drawn in the coat's palette, the cat placed differently in each city's photo.
      const photo = await demoCatPhoto(cat.palette + PALETTE_COUNT * (cityIndex + 1))
      const alt = `${cat.name || 'The cat'}, ${cat.colours.join(' and ')}, sitting on a sill`
      const saved = await finder.reports.create(reporter, demoInput(cat, point), { files: [photo], alt })
      if (!saved.ok) continue
      created++
      await addDemoSightings(finder, saved.value, resolved.place, helpers.filter((id) => id !== reporter), catIndex)
    }
  }
  return created
}

async function addDemoSightings(finder: Finder, reportId: string, place: Place, helpers: string[], seed: number): Promise<void> {
  const notes = ['Ran under a parked van, heading towards the park.', 'Checked the courtyards on this street, no sign.', 'Saw a cat like this on a garden wall at dusk.']
  for (let i = 0; i < seed % 3 + 1 && i < helpers.length; i++) {
    const point = jitter(place, seed * 7 + i)
    await finder.sightings.add(helpers[i]!, reportId, {
      kind: i === 1 ? 'not_seen' : 'seen',
      seenAt: new Date(Date.now() - (i + 1) * 3600_000).toISOString().slice(0, 16),
      timezoneOffset: '0',
      note: notes[i % notes.length]!,
      place: { town: '', lat: point.lat.toFixed(5), lng: point.lng.toFixed(5) },
      photo: null,
      photoAlt: '',
    })
  }
}

/** A point near a place, the same for the same seed. */
function jitter(place: Place, seed: number): { lat: number; lng: number } {
  const a = Math.sin(seed * 12.9898) * 43758.5453
  const b = Math.sin(seed * 78.233) * 12543.1234
  return { lat: place.lat + (a - Math.floor(a) - 0.5) * DEMO_SPREAD_DEGREES * 2, lng: place.lng + (b - Math.floor(b) - 0.5) * DEMO_SPREAD_DEGREES * 3 }
}

function demoInput(cat: DemoCat, point: { lat: number; lng: number }) {
  return {
    kind: cat.kind,
    foundState: cat.kind === 'found' ? (cat.name ? 'taken_in' : 'seen') : '',
    name: cat.name,
    colours: cat.colours,
    pattern: cat.pattern,
    breed: '',
    sex: 'unknown',
    neutered: 'unknown',
    ageBand: 'adult',
    microchipped: 'unknown',
    microchipNumber: '',
    collar: cat.description.includes('collar') ? 'yes' : 'unknown',
    collarNote: '',
    lastSeenAt: new Date(Date.now() - cat.hoursAgo * 3600_000).toISOString().slice(0, 16),
    timezoneOffset: '0',
    description: cat.description,
    reward: cat.kind === 'lost' && cat.hoursAgo > 24 ? 'A reward for news that brings her home' : '',
    place: { town: '', lat: point.lat.toFixed(6), lng: point.lng.toFixed(6) },
  }
}

// ---------------------------------------------------------------------------------------------------
// Benchmark data

/** Towns big enough to anchor reports; the 400 biggest cover every continent. */
const BENCH_TOWNS = 400
/** Rows per INSERT: each statement stays well under a minute and a few hundred MB on 2 cores. */
const BENCH_BATCH = 100_000
/** A report's spread around its town: σ of 2 km for a village to 12 km for a megacity. */
const MIN_SPREAD_KM = 2
const MAX_SPREAD_KM = 12

/**
 * Inserts `count` generated reports around the biggest towns, `activeShare` of them active, with
 * public points on the same grid as the app's (src/features/finder/privacy-grid.ts `publicPoint`, in SQL).
 * Returns the seconds it took.
 */
export async function generateReports(db: Kysely<FinderDomain>, { count, activeShare = 0.7, gridMetres = 250 }: { count: number; activeShare?: number; gridMetres?: number }): Promise<number> {
  const startedAt = performance.now()
  const towns = biggestPlaces(BENCH_TOWNS)
  const total = towns.reduce((sum, town) => sum + town.population, 0)
  let running = 0
  const cumulative = towns.map((town) => (running += town.population / total))
  const lats = towns.map((town) => town.lat)
  const lngs = towns.map((town) => town.lng)
  const labels = towns.map((town) => town.label)
  const spreads = towns.map((town) => Math.min(MAX_SPREAD_KM, Math.max(MIN_SPREAD_KM, Math.sqrt(town.population) / 300)))
  for (let done = 0; done < count; done += BENCH_BATCH) {
    const rows = Math.min(BENCH_BATCH, count - done)
    await sql`
      with picked as (
        select g, coalesce(width_bucket(random(), ${sql.val(cumulative)}::float8[]), 0) + 1 as town,
               sqrt(-2 * ln(1 - random())) as r, 2 * pi() * random() as theta
        from generate_series(1, ${rows}) g
      ), placed as (
        select g, town,
               (${sql.val(lats)}::float8[])[town] + r * cos(theta) * (${sql.val(spreads)}::float8[])[town] / 111.32 as lat,
               (${sql.val(lngs)}::float8[])[town] + r * sin(theta) * (${sql.val(spreads)}::float8[])[town] / (111.32 * greatest(0.2, cos(radians((${sql.val(lats)}::float8[])[town])))) as lng
        from picked
      ), clamped as (
        select g, town, least(89.9, greatest(-89.9, lat)) as lat, ((lng + 540)::numeric % 360 - 180)::float8 as lng from placed
      ), gridded as (
        select *, round((-90 + (floor((lat + 90) / (${gridMetres}::float8 / 111320)) + 0.5) * (${gridMetres}::float8 / 111320))::numeric, 6)::float8 as plat
        from clamped
      ), snapped as (
        select *, 360.0::float8 / greatest(1, floor(360 * 111320 * greatest(0.01, cos(radians(plat))) / ${gridMetres}::float8)) as lng_step from gridded
      )
      insert into lost_cats (reporter_id, kind, found_state, name, colours, pattern, sex, neutered, age_band, microchipped, collar,
                             description, last_seen_at, exact_point, public_point, place_label, status, alerts_sent_at,
                             last_activity_at, created_at, updated_at)
      select gen_random_uuid(),
             case when g % 4 = 0 then 'found' else 'lost' end,
             case when g % 4 = 0 then 'seen' end,
             case when g % 4 = 0 then null else (array['Biscuit','Mochi','Pepper','Luna','Tiger','Simba','Nala','Oscar'])[1 + g % 8] end,
             array[(array['black','white','grey','ginger','cream','brown','silver','fawn'])[1 + g % 8]],
             (array['solid','tabby','tuxedo','bicolour','calico','tortoiseshell','colourpoint','smoke'])[1 + (g / 8) % 8],
             'unknown', 'unknown', 'adult', 'unknown', 'unknown',
             'Generated for the benchmark.',
             now() - (g % 720) * interval '1 hour',
             ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography,
             ST_SetSRID(ST_MakePoint(round((-180 + (floor((lng + 180) / lng_step) + 0.5) * lng_step)::numeric, 6)::float8, plat), 4326)::geography,
             'near ' || (${sql.val(labels)}::text[])[town],
             case when random() < ${activeShare} then 'active' else (array['reunited','closed','expired'])[1 + g % 3] end,
             now(), now(), now(), now()
      from snapped`.execute(db)
  }
  await sql`analyze lost_cats`.execute(db)
  return (performance.now() - startedAt) / 1000
}
