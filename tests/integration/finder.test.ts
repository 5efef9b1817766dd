import { describe, expect, test } from 'bun:test'
import { sql } from 'kysely'
import { pngPhoto } from '@tests/helpers/images'
import { testContext } from '@tests/helpers/context'
import { localTime, report, reportForm, sightingForm, type Fields } from '@tests/helpers/finder'
import { TestClient } from '@tests/helpers/http'

const ctx = await testContext()
const db = ctx.infra.dbs.finder
const { finder, alertAreas } = ctx.services
const client = () => new TestClient(ctx)

async function reportCount(): Promise<number> {
  const row = await db.selectFrom('lost_cats').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

async function sightingCount(reportId: string): Promise<number> {
  const row = await db.selectFrom('sightings').select((eb) => eb.fn.countAll<number>().as('n')).where('report_id', '=', reportId).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Digits of a coordinate as they would appear in HTML: the first five decimals are enough to place a house. */
function digitsOf(value: number): string {
  return value.toFixed(4)
}

describe('reporting a cat', () => {
  test('a report placed by town tells its reporter it stands at the town centre, not at an exact spot', async () => {
    const owner = client()
    await owner.signUp('towncentre')
    const text = async (id: string) => (await (await owner.get(`/finder/${id}`)).text()).replace(/<[^>]+>/g, '')
    const byTown = await text(await report(owner, { town: 'Kreuzberg' }))
    expect(byTown).toContain('Town centre of Kreuzberg, Germany')
    expect(byTown).not.toContain('Exact spot:')
    const bySpot = await text(await report(owner, { town: '', lat: '52.493817', lng: '13.421296' }))
    expect(bySpot).toContain('Exact spot: 52.49382, 13.42130')
    expect(bySpot).not.toContain('Town centre')
  })

  test('a member reports a lost cat by town name and it appears on its page and in search near that town', async () => {
    const owner = client()
    await owner.signUp('owner')
    const id = await report(owner, {}, await pngPhoto())
    const page = await client().get(`/finder/${id}`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Lost: Biscuit')
    expect(html).toContain('Kreuzberg, Germany')
    expect(html).toContain('og:image')
    expect(html).toContain('application/ld+json')
    expect(page.headers.get('cache-control')).toContain('s-maxage')
    expect(page.headers.get('cache-tag')).toBe(`report:${id}`)

    const search = await client().get('/finder?near=Kreuzberg&radius_km=5')
    const results = await search.text()
    expect(search.status).toBe(200)
    expect(results).toContain(`/finder/${id}`)
    expect(results).toMatch(/\d+\.\d km away/)
    expect(results).toContain('Within 5 km of Kreuzberg, Germany')
  })

  test('the public page, the list, the tags and the map data never show the exact point, the microchip number or an email', async () => {
    const owner = client()
    const account = await owner.signUp('private')
    // A precise spot, as a phone's "use my location" would give: it must never leave the server.
    const exact = { lat: 52.493817, lng: 13.421296 }
    const id = await report(owner, { town: '', lat: String(exact.lat), lng: String(exact.lng) })
    const stored = await db
      .selectFrom('lost_cats')
      .select([sql<number>`ST_Y(public_point::geometry)`.as('lat'), sql<number>`ST_X(public_point::geometry)`.as('lng')])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(stored.lat).not.toBe(exact.lat)

    const visitor = client()
    const member = client()
    await member.signUp('neighbour')
    const pages = [
      await visitor.get(`/finder/${id}`),
      await member.get(`/finder/${id}`),
      // A searcher nearby (not at the spot: a searcher's own typed centre is echoed in the form).
      await visitor.get(`/finder?lat=${exact.lat + 0.004}&lng=${exact.lng - 0.003}&radius_km=2`),
      await visitor.get(`/finder/${id}/flyer`),
    ]
    for (const response of pages) {
      const html = await response.text()
      expect(html).not.toContain(digitsOf(exact.lat))
      expect(html).not.toContain(digitsOf(exact.lng))
      expect(html).not.toContain('941000012345678')
      expect(html).not.toContain(account.email)
    }
    const publicHtml = await (await visitor.get(`/finder/${id}`)).text()
    expect(publicHtml).toContain(`"latitude":${stored.lat}`)
    expect(publicHtml).toContain(`content="${stored.lat}"`)
    // Only the reporter sees the exact spot and the chip number.
    const own = await (await owner.get(`/finder/${id}`)).text()
    expect(own).toContain(exact.lat.toFixed(5))
    expect(own).toContain('941000012345678')
  })

  test('a search circle moved around a report never finds it by anything finer than its grid cell', async () => {
    const owner = client()
    await owner.signUp('grid')
    const exact = { lat: 48.137154, lng: 11.576124 }
    const id = await report(owner, { town: '', lat: String(exact.lat), lng: String(exact.lng) })
    const distances = new Set<number>()
    for (const [dLat, dLng] of [[0, 0], [0.0004, 0], [0, 0.0006], [-0.0005, -0.0005]]) {
      const found = await finder.search.activeNear({ centre: { lat: exact.lat + dLat!, lng: exact.lng + dLng! }, radiusM: 300 }, 'postgis')
      const hit = found.reports.find((candidate) => candidate.id === id)
      if (hit) distances.add(Math.round(hit.point.lat * 1e6))
    }
    // Every search sees the same public point, whatever its centre.
    expect(distances.size).toBe(1)
  })

  test('bad places, radii and times are refused with the form and a message, and nothing is stored', async () => {
    const owner = client()
    await owner.signUp('careful')
    const before = await reportCount()
    const cases: [Fields, string][] = [
      [{ town: '', lat: '91', lng: '13.4' }, 'Latitude must be a number from -90 to 90.'],
      [{ town: '', lat: '52.5', lng: '181' }, 'Longitude must be a number from -180 to 180.'],
      [{ town: '', lat: '52.5', lng: '' }, 'Please give both latitude and longitude.'],
      [{ town: '' }, 'Please give a town or neighbourhood'],
      [{ last_seen_at: localTime(24) }, 'That time is in the future'],
      [{ name: '' }, 'Please give the name of your cat.'],
    ]
    for (const [fields, message] of cases) {
      const response = await owner.post('/finder', reportForm(fields))
      expect(response.status).toBe(422)
      expect(await response.text()).toContain(message)
    }
    const unknown = await owner.post('/finder', reportForm({ town: 'Kreuzbergg' }))
    expect(unknown.status).toBe(422)
    const html = await unknown.text()
    expect(html).toContain('We don’t know a place called “Kreuzbergg”')
    expect(html).toContain('value="Kreuzberg, Germany"')
    // What was typed comes back for another try.
    expect(html).toContain('>Shy ginger tabby with a white chest.</textarea>')
    expect(await reportCount()).toBe(before)
  })

  test('a suggested town chosen from the list is used (works without JavaScript: it is a submit button)', async () => {
    const owner = client()
    await owner.signUp('chooser')
    const id = await report(owner, { town: 'Kreuzbergg', town_choice: 'Kreuzberg, Germany' })
    expect(await (await client().get(`/finder/${id}`)).text()).toContain('Kreuzberg, Germany')
  })

  test('signed out, the report form sends you to sign in, and a post is refused', async () => {
    const visitor = client()
    const page = await visitor.get('/finder/new')
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/login?next=%2Ffinder%2Fnew')
    expect((await visitor.post('/finder', reportForm())).status).toBe(401)
  })
})

describe('places by name', () => {
  test('an ambiguous town is not chosen silently: the report form offers each, with its region and country', async () => {
    const owner = client()
    await owner.signUp('springfield')
    const before = await reportCount()
    const refused = await owner.post('/finder/new', reportForm({ town: 'Springfield' }))
    expect(refused.status).toBe(422)
    const html = await refused.text()
    expect(html).toContain('There are several places called “Springfield”')
    for (const label of ['Springfield, MO, United States', 'Springfield, MA, United States', 'Springfield, IL, United States']) {
      expect(html).toContain(`name="town_choice" value="${label}"`)
    }
    expect(await reportCount()).toBe(before)
    const chosen = await owner.post('/finder/new', reportForm({ town: 'Springfield', town_choice: 'Springfield, IL, United States' }))
    expect(chosen.status).toBe(303)
    const page = await (await owner.get(chosen.headers.get('location')!)).text()
    expect(page).toContain('Springfield, IL, United States')
  })

  test('a name one place holds nearly alone (London) is taken, and a search offers the others', async () => {
    const html = await (await client().get('/finder?near=London')).text()
    expect(html).toContain('Within 5 km of London, United Kingdom')
    expect(html).toContain('London, Canada')
  })

  test('a street name gets a message about what we know, and the hints name towns and neighbourhoods', async () => {
    const owner = client()
    await owner.signUp('street')
    const html = await (await owner.post('/finder/new', reportForm({ town: 'Oxford Street' }))).text()
    expect(html).toContain('streets and parks')
    const id = await report(owner)
    expect(await (await client().get(`/finder/${id}`)).text()).not.toContain('A street or neighbourhood name works')
  })
})

describe('searching', () => {
  test('a search without a place says what is missing, with the filters kept', async () => {
    const response = await client().get('/finder?near=&lat=&lng=&radius_km=5&kind=lost&colour=&pattern=&seen_since=')
    expect(response.status).toBe(422)
    const html = await response.text()
    expect(html).toContain('Please give a town or neighbourhood, or a latitude and longitude.')
    expect(html).toContain('<option value="lost" selected>')
  })

  test('/finder with nothing asked lists the latest reports, results before the form', async () => {
    const owner = client()
    await owner.signUp('latest')
    const id = await report(owner, { name: 'Latest', town: '', lat: '-41.2865', lng: '174.7762' })
    const html = await (await client().get('/finder')).text()
    expect(html).toContain('Latest reports')
    expect(html).toContain(`href="/finder/${id}"`)
    expect(html.indexOf('id="results"')).toBeLessThan(html.indexOf('class="stack search-form"'))
  })

  test('/finder with nothing asked, for a member with an alert area, lists the reports in it', async () => {
    const owner = client()
    await owner.signUp('areadefault')
    const id = await report(owner, { name: 'Around home', town: '', lat: '-36.8485', lng: '174.7633' })
    const member = client()
    await member.signUp('areamember')
    expect((await member.post('/settings/alert-area', { town: '', lat: '-36.8500', lng: '174.7650', radius_km: '3' })).status).toBe(303)
    const html = await (await member.get('/finder')).text()
    expect(html).toMatch(/Within 3 km of /)
    expect(html).toContain(`href="/finder/${id}"`)
  })

  test('a search shows its results before the form', async () => {
    const html = await (await client().get('/finder?near=Kreuzberg')).text()
    expect(html.indexOf('id="results"')).toBeGreaterThan(0)
    expect(html.indexOf('id="results"')).toBeLessThan(html.indexOf('class="stack search-form"'))
  })

  test('latitude 91, longitude 181, radius 0 or above the maximum, and an unknown town each get a 422 and a message', async () => {
    const max = ctx.config.finder.searchRadiusMaxKm
    const cases: [string, string][] = [
      ['lat=91&lng=0', 'Latitude must be a number from -90 to 90.'],
      ['lat=0&lng=181', 'Longitude must be a number from -180 to 180.'],
      ['near=Kreuzberg&radius_km=0', `more than 0 and at most ${max} km`],
      [`near=Kreuzberg&radius_km=${max + 1}`, `more than 0 and at most ${max} km`],
    ]
    for (const [query, message] of cases) {
      const response = await client().get(`/finder?${query}`)
      expect(response.status).toBe(422)
      expect(await response.text()).toContain(message)
    }
    const unknown = await client().get('/finder?near=Manchestr')
    expect(unknown.status).toBe(422)
    const html = await unknown.text()
    expect(html).toContain('We don’t know a place called “Manchestr”')
    expect(html).toContain('href="/finder?near=Manchester%2C+United+Kingdom"')
  })

  test('results come nearest first with distance, photo and time since last seen, filtered by kind and colour', async () => {
    const owner = client()
    await owner.signUp('near')
    const near = await report(owner, { town: '', lat: '40.4168', lng: '-3.7038', name: 'Near', colours: ['black'] })
    const far = await report(owner, { town: '', lat: '40.4400', lng: '-3.7038', name: 'Far', colours: ['black'] })
    const found = await report(owner, { town: '', lat: '40.4200', lng: '-3.7038', kind: 'found', found_state: 'taken_in', name: '', colours: ['white'] })
    const all = await (await client().get('/finder?lat=40.4168&lng=-3.7038&radius_km=5')).text()
    expect(all.indexOf(`/finder/${near}`)).toBeLessThan(all.indexOf(`/finder/${found}`))
    expect(all.indexOf(`/finder/${found}`)).toBeLessThan(all.indexOf(`/finder/${far}`))
    expect(all).toContain('3 hours ago')
    const lostOnly = await (await client().get('/finder?lat=40.4168&lng=-3.7038&radius_km=5&kind=lost')).text()
    expect(lostOnly).not.toContain(`/finder/${found}`)
    const white = await (await client().get('/finder?lat=40.4168&lng=-3.7038&radius_km=5&colour=white')).text()
    expect(white).toContain(`/finder/${found}`)
    expect(white).not.toContain(`/finder/${near}`)
    // The form comes back as asked, each time (the filters are kept rendered by what they show).
    expect(lostOnly).toMatch(/<option value="lost" selected/)
    expect(white).toMatch(/<option value="white" selected/)
    expect(white).not.toMatch(/<option value="lost" selected/)
    expect(await (await client().get('/finder?lat=40.4168&lng=-3.7038&radius_km=5')).text()).not.toMatch(/<option [^>]*selected/)
  })

  test('an htmx search gets only the search area; the pushed URL renders a full page', async () => {
    const fragment = await client().get('/finder?near=Kreuzberg', { htmx: true })
    const html = await fragment.text()
    expect(html.startsWith('<div id="finder-search"')).toBe(true)
    expect(html).not.toContain('<html')
    expect(await (await client().get('/finder?near=Kreuzberg')).text()).toContain('<html')
  })

  test('a report found from two places shows each search its own distance (results are kept rendered per way shown)', async () => {
    const owner = client()
    await owner.signUp('twice')
    const id = await report(owner, { town: '', lat: '41.3874', lng: '2.1686', name: 'Twice' })
    const distanceFrom = async (lat: string) => {
      const html = await (await client().get(`/finder?lat=${lat}&lng=2.1686&radius_km=5`)).text()
      const result = html.slice(html.indexOf(`<h3><a href="/finder/${id}"`))
      return /(\d+\.\d) km away/.exec(result)?.[1]
    }
    const near = await distanceFrom('41.3874')
    const further = await distanceFrom('41.4054')
    expect(Number(further) - Number(near)).toBeCloseTo(2, 0)
    expect(await distanceFrom('41.3874')).toBe(near)
  })

  test('a search page of Latin-1 results is all Latin-1 (one byte a character to copy, hash and compress)', async () => {
    const owner = client()
    await owner.signUp('latin')
    await report(owner, { town: '', lat: '48.8566', lng: '2.3522', name: 'Crème brûlée' })
    const html = await (await client().get('/finder?lat=48.8566&lng=2.3522&radius_km=5')).text()
    expect(html).toContain('Crème brûlée')
    expect([...html].filter((char) => char.charCodeAt(0) > 0xff)).toEqual([])
  })

  test('the nearby list is cached from its second ask and a new report nearby drops it at once', async () => {
    const owner = client()
    await owner.signUp('cache')
    const url = '/finder?lat=45.4642&lng=9.19&radius_km=3'
    // Counts the searches the page runs: a list read from the cache runs none.
    const activeNear = finder.search.activeNear
    let searches = 0
    finder.search.activeNear = (...args) => {
      searches++
      return activeNear(...args)
    }
    try {
      for (let ask = 0; ask < 3; ask++) expect(await (await client().get(url)).text()).not.toContain('Milanese')
      // The first ask is only counted, the second keeps its list, the third reads it.
      expect(searches).toBe(2)
      await report(owner, { town: '', lat: '45.4650', lng: '9.1910', name: 'Milanese' })
      // Kept under the area's generation, which the report changed: the kept list is never read again.
      expect(await (await client().get(url)).text()).toContain('Milanese')
      expect(searches).toBe(3)
      expect(await (await client().get(url)).text()).toContain('Milanese')
      expect(searches).toBe(3)
    } finally {
      finder.search.activeNear = activeNear
    }
  })
})

describe('sightings', () => {
  test('a member adds a sighting; the reporter is notified, sees its exact spot, and can move the last-seen place there', async () => {
    const owner = client()
    await owner.signUp('reporter')
    const id = await report(owner)
    const helper = client()
    await helper.signUp('helper')
    const response = await helper.post(`/finder/${id}/sightings`, sightingForm())
    expect(response.status).toBe(303)
    const page = await (await client().get(`/finder/${id}`)).text()
    expect(page).toContain('Under a parked car')
    expect(page).not.toContain('52.5012')
    expect(await (await owner.get('/notifications')).text()).toContain('Someone saw Biscuit')
    const own = await (await owner.get(`/finder/${id}`)).text()
    expect(own).toContain('52.50120, 13.41010')

    const sighting = await db.selectFrom('sightings').select('id').where('report_id', '=', id).executeTakeFirstOrThrow()
    expect((await owner.post(`/finder/${id}/sightings/${sighting.id}/confirm`, {})).status).toBe(303)
    const moved = await db.selectFrom('lost_cats').select([sql<number>`ST_Y(exact_point::geometry)`.as('lat'), 'place_label']).where('id', '=', id).executeTakeFirstOrThrow()
    expect(moved.lat).toBeCloseTo(52.5012, 6)
    // The report was announced when published, so the move is in its public history.
    expect(await (await client().get(`/finder/${id}`)).text()).toContain('changed the place')
  })

  test('"searched here, not seen" entries show in the timeline', async () => {
    const owner = client()
    await owner.signUp('searcher')
    const id = await report(owner)
    await owner.post(`/finder/${id}/sightings`, sightingForm({ kind: 'not_seen', note: 'Checked the park' }))
    expect(await (await client().get(`/finder/${id}`)).text()).toContain('Searched here, not seen')
  })

  test('a closed report refuses a sighting with 409 and a message, and nothing is stored', async () => {
    const owner = client()
    await owner.signUp('closer')
    const id = await report(owner)
    expect((await owner.post(`/finder/${id}/status`, { status: 'closed' })).status).toBe(303)
    const helper = client()
    await helper.signUp('late')
    const response = await helper.post(`/finder/${id}/sightings`, sightingForm())
    expect(response.status).toBe(409)
    expect(await response.text()).toContain('This report is closed')
    expect(await sightingCount(id)).toBe(0)
  })

  test('a sighting in the future is refused with its message', async () => {
    const owner = client()
    await owner.signUp('future')
    const id = await report(owner)
    const response = await owner.post(`/finder/${id}/sightings`, sightingForm({ seen_at: localTime(30) }))
    expect(response.status).toBe(422)
    expect(await response.text()).toContain('That time is in the future')
    expect(await sightingCount(id)).toBe(0)
  })
})

describe('changing a report', () => {
  test('editing someone else’s report is refused with 403 and a message, and nothing changes', async () => {
    const owner = client()
    await owner.signUp('mine')
    const id = await report(owner)
    const other = client()
    await other.signUp('notmine')
    expect((await other.get(`/finder/${id}/edit`)).status).toBe(403)
    const response = await other.post(`/finder/${id}/edit`, reportForm({ name: 'Stolen', town: 'Camden, NJ' }))
    expect(response.status).toBe(403)
    expect(await response.text()).toContain('only the person who reported it can change it')
    const status = await other.post(`/finder/${id}/status`, { status: 'closed' })
    expect(status.status).toBe(403)
    const row = await db.selectFrom('lost_cats').select(['name', 'status', 'place_label']).where('id', '=', id).executeTakeFirstOrThrow()
    expect(row).toEqual({ name: 'Biscuit', status: 'active', place_label: 'Kreuzberg, Germany' })
  })

  test('once shared, changes to kind and place are kept in a public history', async () => {
    const owner = client()
    await owner.signUp('editor')
    const id = await report(owner)
    const response = await owner.post(`/finder/${id}/edit`, reportForm({ kind: 'found', found_state: 'seen', town: 'Neukölln' }))
    expect(response.status).toBe(303)
    const html = await (await client().get(`/finder/${id}`)).text()
    expect(html).toContain('changed the kind')
    expect(html).toContain('changed the place')
    expect(html).toContain('Neukölln, Germany')
  })

  test('marking reunited shows the happy ending and takes the report out of search', async () => {
    const owner = client()
    await owner.signUp('happy')
    const id = await report(owner, { town: '', lat: '59.3293', lng: '18.0686', name: 'Sotis' })
    expect(await (await client().get('/finder?lat=59.3293&lng=18.0686&radius_km=2')).text()).toContain('Sotis')
    await owner.post(`/finder/${id}/status`, { status: 'reunited', happy_note: 'She was in the neighbour’s shed!' })
    const html = await (await client().get(`/finder/${id}`)).text()
    expect(html).toContain('Reunited!')
    expect(html).toContain('She was in the neighbour’s shed!')
    expect(await (await client().get('/finder?lat=59.3293&lng=18.0686&radius_km=2')).text()).not.toContain('Sotis')
  })

  test('the happy ending can be posted to the reporter’s feed', async () => {
    const owner = client()
    const account = await owner.signUp('feedhappy')
    const id = await report(owner, { name: 'Pudding' })
    await owner.post(`/finder/${id}/status`, { status: 'reunited', happy_note: 'Found her in the attic.', post_to_feed: 'yes' })
    const profile = await (await client().get(`/@${account.handle}`)).text()
    expect(profile).toContain('Pudding is home again! Found her in the attic.')
  })

  test('reports are rate-limited per account: past the limit a 429, and nothing more is stored', async () => {
    const owner = client()
    await owner.signUp('busy')
    const limit = ctx.config.finder.reportRateLimit.attempts
    const before = await reportCount()
    const statuses: number[] = []
    for (let attempt = 0; attempt <= limit; attempt++) statuses.push((await owner.post('/finder', reportForm({ name: `Cat ${attempt}` }))).status)
    expect(statuses.slice(0, limit).every((status) => status === 303)).toBe(true)
    expect(statuses.at(-1)).toBe(429)
    expect(await reportCount()).toBe(before + limit)
  })

  test('moderators see how many messages about a report were flagged as scams', async () => {
    const owner = client()
    await owner.signUp('modded')
    const id = await report(owner)
    const scammer = client()
    await scammer.signUp('giftcards')
    await scammer.post(`/finder/${id}/messages`, { body: 'Pay me in iTunes gift cards and I bring the cat.' })
    const moderator = client()
    const account = await moderator.signUp('moderator')
    await ctx.services.accounts.setRole(account.handle, 'moderator')
    expect(await (await moderator.get(`/finder/${id}`)).text()).toContain('1 message(s) about this report were flagged as possible scams')
    expect(await (await client().get(`/finder/${id}`)).text()).not.toContain('flagged as possible scams')
  })

  test('30 days without activity bring a reminder, and a quiet week after it expiry', async () => {
    const owner = client()
    await owner.signUp('idle')
    const id = await report(owner)
    await db.updateTable('lost_cats').set({ last_activity_at: new Date(Date.now() - 31 * 86_400_000) }).where('id', '=', id).execute()
    expect(await finder.upkeep.remindIdle()).toBeGreaterThanOrEqual(1)
    expect(await (await owner.get('/notifications')).text()).toContain('still missing')
    expect(await (await owner.get(`/finder/${id}`)).text()).toContain('Keep it active')
    const eightDaysLater = new Date(Date.now() + 8 * 86_400_000)
    expect(await finder.upkeep.expireIdle(eightDaysLater)).toBeGreaterThanOrEqual(1)
    const row = await db.selectFrom('lost_cats').select('status').where('id', '=', id).executeTakeFirstOrThrow()
    expect(row.status).toBe('expired')
  })
})

describe('messages', () => {
  test('a member writes to the reporter, both see the thread, nobody else does, and no email is shown', async () => {
    const owner = client()
    const ownerAccount = await owner.signUp('inbox')
    const id = await report(owner)
    const finderPerson = client()
    const finderAccount = await finderPerson.signUp('finder')
    expect((await finderPerson.post(`/finder/${id}/messages`, { body: 'I think I saw Biscuit by the canal.' })).status).toBe(303)
    const thread = await db.selectFrom('message_threads').select('id').where('report_id', '=', id).executeTakeFirstOrThrow()
    const ownerView = await (await owner.get(`/finder/${id}/messages?thread=${thread.id}`)).text()
    expect(ownerView).toContain('I think I saw Biscuit by the canal.')
    expect((await owner.post(`/finder/${id}/messages`, { thread: String(thread.id), body: 'Thank you! Which bridge?' })).status).toBe(303)
    const finderView = await (await finderPerson.get(`/finder/${id}/messages`)).text()
    expect(finderView).toContain('Thank you! Which bridge?')
    for (const html of [ownerView, finderView]) {
      expect(html).not.toContain(ownerAccount.email)
      expect(html).not.toContain(finderAccount.email)
    }
    const stranger = client()
    await stranger.signUp('stranger')
    expect(await (await stranger.get(`/finder/${id}/messages?thread=${thread.id}`)).text()).not.toContain('by the canal')
    expect(await (await owner.get('/notifications')).text()).toContain('A new message about Biscuit.')
    // With htmx, sending swaps in the updated thread only.
    const fragment = await finderPerson.post(`/finder/${id}/messages`, { body: 'The stone one.' }, { htmx: true })
    expect(fragment.status).toBe(200)
    const html = await fragment.text()
    expect(html.startsWith('<section id="thread"')).toBe(true)
    expect(html).toContain('The stone one.')
  })

  test('a message asking for a code or a fee is delivered with a plain warning and counted for moderators', async () => {
    const owner = client()
    await owner.signUp('target')
    const id = await report(owner)
    const scammer = client()
    await scammer.signUp('scammer')
    await scammer.post(`/finder/${id}/messages`, { body: 'I have your cat. Send me the 6 digit verification code and pay the transport fee first.' })
    const thread = await db.selectFrom('message_threads').select('id').where('report_id', '=', id).executeTakeFirstOrThrow()
    const html = await (await owner.get(`/finder/${id}/messages?thread=${thread.id}`)).text()
    expect(html).toContain('Careful: this looks like a scam.')
    expect(html).toContain('a verification code')
    expect(await finder.messages.scamCounts(id)).toEqual({ total: 1, lastWeek: 1 })
  })
})

describe('the flyer', () => {
  test('a printable page with print styles and a QR code of the report’s address', async () => {
    const owner = client()
    await owner.signUp('flyer')
    const id = await report(owner)
    const html = await (await client().get(`/finder/${id}/flyer`)).text()
    expect(html).toContain('LOST CAT: Biscuit')
    expect(html).toMatch(/<svg viewBox="0 0 \d+ \d+"/)
    expect(html).toContain('flyer.css')
    expect(html).toContain(`http://localhost:3000/finder/${id}`)
  })

  test('it prints the date last seen (not an age), the description, and leaves out what the reporter did not know', async () => {
    const owner = client()
    await owner.signUp('flyerdate')
    const lastSeen = new Date(Date.now() - 26 * 3600_000)
    const id = await report(owner, {
      sex: 'unknown',
      age_band: 'unknown',
      town: '',
      lat: '52.5012',
      lng: '13.4101',
      last_seen_at: lastSeen.toISOString().slice(0, 16),
      description: 'Shy ginger tabby with a white chest & a kink in her tail.',
    })
    const html = await (await client().get(`/finder/${id}/flyer`)).text()
    // At 13.4° E the place's clock is UTC+1 (the flyer, like the form, reckons it from the longitude).
    const day = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Etc/GMT-1' }).format(lastSeen)
    const flyer = html.slice(html.indexOf('<article class="flyer"'))
    expect(flyer.replace(/<[^>]+>/g, '')).toContain(`Last seen ${day.replace(',', '')}, `)
    expect(flyer).not.toMatch(/ago</)
    expect(flyer).not.toContain('Not sure')
    expect(flyer).toContain('Shy ginger tabby with a white chest &amp; a kink in her tail.')
  })
})

describe('alert areas', () => {
  test('a member saves a home and radius in settings; a radius over the maximum is refused', async () => {
    const member = client()
    const account = await member.signUp('alerts')
    const max = ctx.config.finder.alertRadiusMaxKm
    const tooBig = await member.post('/settings/alert-area', { town: 'Kreuzberg', radius_km: String(max + 1) })
    expect(tooBig.status).toBe(422)
    expect(await tooBig.text()).toContain(`The radius must be from 0.1 to ${max} km.`)
    expect((await member.post('/settings/alert-area', { town: 'Kreuzberg', radius_km: '3' })).status).toBe(303)
    const settings = await (await member.get('/settings')).text()
    expect(settings).toContain('within 3 km of Kreuzberg, Germany')
    const user = await ctx.infra.dbs.accounts.selectFrom('users').select('id').where('handle', '=', account.handle).executeTakeFirstOrThrow()
    const area = await alertAreas.alertAreaOf(user.id)
    expect(area?.radiusM).toBe(3000)
    const containing = await alertAreas.areasContaining({ lat: 52.5, lng: 13.41 })
    expect(containing.map((row) => row.userId)).toContain(user.id)
    const outside = await alertAreas.areasContaining({ lat: 52.6, lng: 13.41 })
    expect(outside.map((row) => row.userId)).not.toContain(user.id)
  })

  test('the home page of a member with an alert area lists cats lost near home', async () => {
    const member = client()
    await member.signUp('home')
    expect(await (await member.get('/')).text()).not.toContain('Lost near you')
    const owner = client()
    await owner.signUp('nearhome')
    await report(owner, { name: 'Neighbourly', town: '', lat: '38.7230', lng: '-9.1400' }, await pngPhoto(12))
    await member.post('/settings/alert-area', { town: 'Lisbon', radius_km: '2' })
    const home = await (await member.get('/')).text()
    expect(home).toContain('Lost near you')
    expect(home).toContain('Lost: Neighbourly')
  })

  test('"Lost near you" lists only lost cats with a photo, once, at home and in the second column', async () => {
    const member = client()
    await member.signUp('nearphotos')
    const owner = client()
    await owner.signUp('nearphotosowner')
    const near = { town: '', lat: '-33.8910', lng: '151.2700' } // Bondi, far from the other tests' reports
    await report(owner, { ...near, name: 'Pictured' }, await pngPhoto(11))
    await report(owner, { ...near, kind: 'found', found_state: 'taken_in', name: 'Foundling' })
    await report(owner, { ...near, name: 'Unpictured' })
    await member.post('/settings/alert-area', { town: '', lat: near.lat, lng: near.lng, radius_km: '2' })
    const sectionOf = (html: string) => html.slice(html.indexOf('<section class="lost-near-you"'), html.indexOf('</section>', html.indexOf('<section class="lost-near-you"')))
    const home = await (await member.get('/')).text()
    const side = await (await member.get('/side', { htmx: true })).text()
    for (const section of [sectionOf(home), sectionOf(side)]) {
      expect(section.match(/Lost: Pictured/g)).toHaveLength(1)
      expect(section).not.toContain('Foundling')
      expect(section).not.toContain('Unpictured') // the search lists it; here a neighbour needs a face
      expect(section).toMatch(/<picture[^>]*>.*\/m\/[0-9a-f]{32}\//s)
    }
  })
})
