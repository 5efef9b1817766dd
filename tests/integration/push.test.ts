/**
 * Web push end to end: subscribing from /settings, the lost-cat alert fan-out through the queue to a
 * real push service on loopback over TLS (tests/helpers/push-service.ts checks the VAPID token and
 * decrypts every message), what the sender does with each answer of the push service, ordinary
 * notifications pushed by preference, and everything a browser may send that must be refused.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { Geodesic } from 'geographiclib-geodesic'
import { createApp } from '@/app'
import type { LatLng } from '@/features/finder/geodesy'
import { alertEvent } from '@/features/notifications/lost-cat-alerts'
import { createQueue } from '@/infra/queue'
import type { Jobs } from '@/jobs'
import { testContext } from '@tests/helpers/context'
import { TestClient } from '@tests/helpers/http'
import { pngPhoto } from '@tests/helpers/images'
import { startPushService, type TestPushService } from '@tests/helpers/push-service'

const ctx = await testContext()
const { accounts, finder, notifications, push } = ctx.services
const db = ctx.infra.dbs.accounts
const service = await startPushService({ vapidPublicKey: ctx.config.vapid!.publicKey })
afterAll(() => service.stop())

/** Each test its own town, far from the places other test files report cats in. */
let nextTown = 0
function townCentre(): LatLng {
  nextTown++
  return { lat: -41 + nextTown * 0.5, lng: 174 - nextTown * 0.5 }
}

/** The point `metres` north-east of `from`, on the WGS84 ellipsoid (as PostGIS measures). */
function away(from: LatLng, metres: number): LatLng {
  const { lat2, lon2 } = Geodesic.WGS84.Direct(from.lat, from.lng, 45, metres)
  return { lat: lat2!, lng: lon2! }
}

interface Member {
  browser: TestClient
  userId: string
  handle: string
}

async function member(options: { home?: LatLng; radiusKm?: number } = {}): Promise<Member> {
  const browser = new TestClient(ctx)
  const { handle } = await browser.signUp('pushed')
  const userId = (await accounts.findByHandle(handle))!.id
  if (options.home) {
    const saved = await browser.post('/settings/alert-area', { lat: options.home.lat.toFixed(7), lng: options.home.lng.toFixed(7), radius_km: String(options.radiusKm ?? 5) })
    expect(saved.status).toBe(303)
  }
  return { browser, userId, handle }
}

/** Turns push on for the member in a new browser of the push service; returns that browser's id there. */
async function subscribe(someone: Member): Promise<string> {
  const { id, subscription } = await service.subscribe()
  const response = await someone.browser.postJson('/push/subscribe', subscription, { headers: { 'User-Agent': 'Mozilla/5.0 (Android 14) Firefox/128.0' } })
  expect(response.status).toBe(201)
  return id
}

async function reportLostCat(reporter: Member, at: LatLng, { photo = false } = {}): Promise<string> {
  const input = {
    kind: 'lost', foundState: '', name: 'Pickle', colours: ['black'], pattern: 'solid', breed: '', sex: '', neutered: '', ageBand: '',
    microchipped: '', microchipNumber: '', collar: '', collarNote: '', lastSeenAt: new Date(Date.now() - 3600_000).toISOString().slice(0, 16),
    timezoneOffset: '0', description: 'Small black cat, very shy.', reward: '', place: { town: '', lat: String(at.lat), lng: String(at.lng) },
  }
  const photos = photo ? { files: [new Uint8Array(await pngPhoto())], alt: 'Pickle, a small black cat' } : { files: [], alt: '' }
  const saved = await finder.reports.create(reporter.userId, input, photos)
  if (!saved.ok) throw new Error(`could not report: ${JSON.stringify(saved.errors)}`)
  return saved.value
}

const drain = () => ctx.infra.queue.drain({ timeoutMs: 20_000 })
const subscriptionCount = async (userId: string) =>
  Number((await db.selectFrom('push_subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow()).n)
const alertsOf = (userId: string) => db.selectFrom('notifications').selectAll().where('user_id', '=', userId).where('kind', '=', 'finder.alert').execute()

describe('lost-cat alerts by push', () => {
  test('a subscriber 4.9 km away with a 5 km area gets the alert; one 5.1 km away and the reporter do not', async () => {
    const spot = townCentre()
    const near = await member({ home: away(spot, 4900), radiusKm: 5 })
    const far = await member({ home: away(spot, 5100), radiusKm: 5 })
    const reporter = await member({ home: spot, radiusKm: 5 })
    const [nearBrowser, farBrowser, reporterBrowser] = [await subscribe(near), await subscribe(far), await subscribe(reporter)]

    const reportId = await reportLostCat(reporter, spot, { photo: true })
    await drain()

    const [alert, ...more] = service.receivedBy(nearBrowser)
    expect(more).toHaveLength(0)
    expect(alert!.topic).toBe(reportId.replaceAll('-', ''))
    expect(alert!.urgency).toBe('high')
    expect(alert!.ttl).toBe(86_400)
    expect(alert!.message.title).toBe('Lost cat nearby: Pickle')
    expect(alert!.message.body).toMatch(/^4\.\d km from your home, /)
    expect(alert!.message.url).toBe(`${ctx.config.publicUrl.origin}/finder/${reportId}`)
    expect(alert!.message.tag).toBe(`report-${reportId}`)
    // The thumbnail: a small JPEG variant of the report's photo, fetchable from the site.
    expect(String(alert!.message.icon)).toMatch(new RegExp(`^${ctx.config.publicUrl.origin}/|^https?://`))
    expect(String(alert!.message.icon)).toMatch(/\.jpe?g$/)
    expect(service.receivedBy(farBrowser)).toHaveLength(0)
    expect(service.receivedBy(reporterBrowser)).toHaveLength(0)
    expect(service.refused).toEqual([])

    const [note] = await alertsOf(near.userId)
    expect(note!.url).toBe(`/finder/${reportId}`)
    expect(note!.text).toMatch(/^Lost cat near you: Pickle, 4\.\d km from your home/)
    expect(await alertsOf(far.userId)).toHaveLength(0)
    expect(await alertsOf(reporter.userId)).toHaveLength(0)
    const list = await (await near.browser.get('/notifications')).text()
    expect(list).toContain(`href="/finder/${reportId}"`)
    // The push service took it: the browser's last success is recorded.
    const row = await db.selectFrom('push_subscriptions').selectAll().where('user_id', '=', near.userId).executeTakeFirstOrThrow()
    expect(row.last_success_at).not.toBeNull()
    expect(row.failure_count).toBe(0)
  })

  test('the in-app list gets every alert; push only where the member wants alerts pushed', async () => {
    const spot = townCentre()
    const withoutPush = await member({ home: away(spot, 1000) })
    const alertsOff = await member({ home: away(spot, 2000) })
    const offBrowser = await subscribe(alertsOff)
    expect((await alertsOff.browser.post('/settings/notifications', { push: 'social' })).status).toBe(303)
    const twoBrowsers = await member({ home: away(spot, 3000) })
    const [first, second] = [await subscribe(twoBrowsers), await subscribe(twoBrowsers)]
    const reporter = await member()

    await reportLostCat(reporter, spot)
    await drain()

    expect(await alertsOf(withoutPush.userId)).toHaveLength(1)
    expect(await alertsOf(alertsOff.userId)).toHaveLength(1)
    expect(service.receivedBy(offBrowser)).toHaveLength(0)
    expect(await alertsOf(twoBrowsers.userId)).toHaveLength(1)
    expect(service.receivedBy(first)).toHaveLength(1)
    expect(service.receivedBy(second)).toHaveLength(1)
  })

  test('a batch that runs again sends nothing twice and adds no second in-app alert', async () => {
    const spot = townCentre()
    const neighbour = await member({ home: away(spot, 500) })
    const pushed = await subscribe(neighbour)
    const reporter = await member()
    const reportId = await reportLostCat(reporter, spot)
    await drain()
    expect(service.receivedBy(pushed)).toHaveLength(1)

    // As if the queue ran the fan-out again (a worker died after enqueueing the batches).
    await ctx.infra.queue.enqueue('alerts.fanOut', { reportId })
    await drain()
    expect(service.receivedBy(pushed)).toHaveLength(1)
    expect(await alertsOf(neighbour.userId)).toHaveLength(1)
  })

  test('when the cat is home, everyone the alert reached hears it under the same Topic and tag, once; nobody else', async () => {
    const spot = townCentre()
    const neighbour = await member({ home: away(spot, 800) })
    const neighbourBrowser = await subscribe(neighbour)
    const reporter = await member()
    const reportId = await reportLostCat(reporter, spot)
    await drain()
    const [alert] = service.receivedBy(neighbourBrowser)
    // Moved in after the alert went out: the good news is not theirs to hear.
    const newcomer = await member({ home: away(spot, 600) })
    const newcomerBrowser = await subscribe(newcomer)

    const reunited = await finder.reports.setStatus(reporter.userId, reportId, { status: 'reunited', happyNote: 'Found under the shed.' })
    expect(reunited).toHaveProperty('value.status', 'reunited')
    await drain()
    const [, news, ...more] = service.receivedBy(neighbourBrowser)
    expect(more).toHaveLength(0)
    expect(news!.topic).toBe(alert!.topic)
    expect(news!.message.tag).toBe(alert!.message.tag)
    expect(news!.message.title).toBe('Good news: Pickle is home again')
    expect(news!.message.url).toBe(`${ctx.config.publicUrl.origin}/finder/${reportId}`)
    const notes = await alertsOf(neighbour.userId)
    expect(notes).toHaveLength(2)
    expect(notes.filter((note) => /^Good news: Pickle is home again .*\. Thank you for looking out\.$/.test(note.text))).toHaveLength(1)
    expect(service.receivedBy(newcomerBrowser)).toHaveLength(0)
    expect(await alertsOf(newcomer.userId)).toHaveLength(0)

    // The job again (a retry): nothing new for anyone.
    await ctx.infra.queue.enqueue('alerts.fanOut', { reportId, news: 'reunited' })
    await drain()
    expect(service.receivedBy(neighbourBrowser)).toHaveLength(2)
    expect(await alertsOf(neighbour.userId)).toHaveLength(2)
  })

  test('a wider reach (a boosted report) alerts members beyond their own radius', async () => {
    const spot = townCentre()
    const outside = await member({ home: away(spot, 8000), radiusKm: 5 })
    const pushed = await subscribe(outside)
    const reporter = await member()
    const reportId = await reportLostCat(reporter, spot)
    await drain()
    expect(service.receivedBy(pushed)).toHaveLength(0)
    await ctx.infra.queue.enqueue('alerts.fanOut', { reportId, reachM: 10_000 })
    await drain()
    expect(service.receivedBy(pushed)).toHaveLength(1)
  })
})

describe('what the sender does with each answer of the push service', () => {
  /** A member with one browser, and a ready-made delivery to it for `sendBatch`. */
  async function target(): Promise<{ someone: Member; browserId: string; subscriptionId: number }> {
    const someone = await member()
    const browserId = await subscribe(someone)
    const [subscriptionId] = await push.subscriptions.targetsFor(someone.userId, 'alerts')
    return { someone, browserId, subscriptionId: subscriptionId! }
  }
  const event = (name: string) => alertEvent({ reportId: `00000000-0000-4000-8000-${name.padStart(12, '0')}`, news: 'reported' })
  const message = { title: 'Test', body: 'A test push', url: `${ctx.config.publicUrl.origin}/notifications`, tag: 'test' }
  async function send(name: string, subscriptionId: number) {
    const targets = await push.subscriptions.targets([subscriptionId])
    const outcome = await push.sender!.sendBatch(event(name), targets.map((one) => ({ target: one, message })))
    await push.subscriptions.recordResults(outcome)
    return outcome
  }

  test('201: delivered, once per event however often the batch runs', async () => {
    const { browserId, subscriptionId } = await target()
    expect((await send('201', subscriptionId)).delivered).toEqual([subscriptionId])
    expect((await send('201', subscriptionId)).skipped).toEqual([subscriptionId])
    expect(service.receivedBy(browserId)).toHaveLength(1)
  })

  test('404 and 410: the browser dropped the subscription, so it is deleted', async () => {
    for (const status of [404, 410]) {
      const { someone, browserId, subscriptionId } = await target()
      service.answer(browserId, { status })
      expect((await send(`gone${status}`, subscriptionId)).gone).toEqual([subscriptionId])
      expect(await subscriptionCount(someone.userId)).toBe(0)
    }
  })

  test('429 with Retry-After: the host is left alone that long, then the push goes through', async () => {
    const { browserId, subscriptionId } = await target()
    service.answer(browserId, { status: 429, headers: { 'Retry-After': '1' } })
    const started = Date.now()
    const outcome = await send('429', subscriptionId)
    expect(outcome.delivered).toEqual([subscriptionId])
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(service.attemptsAt(browserId)).toBe(2)
    expect(service.receivedBy(browserId)).toHaveLength(1)
  })

  test('a Retry-After longer than a batch waits goes back to the queue, and is not marked sent', async () => {
    // A push service of its own: the pause holds its host for two minutes.
    const paused = await startPushService({ vapidPublicKey: ctx.config.vapid!.publicKey })
    try {
      const someone = await member()
      const { id: browserId, subscription } = await paused.subscribe()
      expect((await someone.browser.postJson('/push/subscribe', subscription)).status).toBe(201)
      const [subscriptionId] = await push.subscriptions.targetsFor(someone.userId, 'alerts')
      paused.answer(browserId, { status: 503, headers: { 'Retry-After': '120' } })
      expect((await send('503', subscriptionId!)).later).toEqual([subscriptionId!])
      expect(paused.attemptsAt(browserId)).toBe(1)
      expect(await ctx.infra.store.get(`push:sent:${event('503').key}:${subscriptionId}`)).toBeNull()
      // The host stays paused: the next batch does not even try.
      expect((await send('503b', subscriptionId!)).later).toEqual([subscriptionId!])
      expect(paused.attemptsAt(browserId)).toBe(1)
    } finally {
      await paused.stop()
    }
  })

  test('500: tried again after a short backoff; still failing, left to the queue without counting against the browser', async () => {
    const once = await target()
    service.answer(once.browserId, { status: 500 })
    expect((await send('500a', once.subscriptionId)).delivered).toEqual([once.subscriptionId])
    expect(service.attemptsAt(once.browserId)).toBe(2)

    const always = await target()
    service.answer(always.browserId, { status: 500 }, { status: 500 }, { status: 500 })
    expect((await send('500b', always.subscriptionId)).later).toEqual([always.subscriptionId])
    expect(service.attemptsAt(always.browserId)).toBe(3)
    const row = await db.selectFrom('push_subscriptions').selectAll().where('id', '=', always.subscriptionId).executeTakeFirstOrThrow()
    expect(row.failure_count).toBe(0)
  })

  test('a redirect is never followed: counted as a failure of that browser', async () => {
    const { browserId, subscriptionId } = await target()
    const elsewhere = await service.subscribe()
    service.answer(browserId, { status: 307, headers: { Location: elsewhere.subscription.endpoint } })
    expect((await send('307', subscriptionId)).failed).toEqual([subscriptionId])
    expect(service.attemptsAt(elsewhere.id)).toBe(0)
    const row = await db.selectFrom('push_subscriptions').selectAll().where('id', '=', subscriptionId).executeTakeFirstOrThrow()
    expect(row.failure_count).toBe(1)
  })

  test('a stored endpoint that is not (or no longer) on the allowlist is never requested, and removed', async () => {
    const someone = await member()
    const { id } = await db
      .insertInto('push_subscriptions')
      .values({ user_id: someone.userId, endpoint: 'https://169.254.169.254/latest/meta-data', p256dh: 'x', auth: 'y', label: 'Smuggled' })
      .returning('id')
      .executeTakeFirstOrThrow()
    expect((await send('ssrf', Number(id))).gone).toEqual([Number(id)])
    expect(await subscriptionCount(someone.userId)).toBe(0)
  })
})

describe('ordinary notifications by push', () => {
  test('a notification goes to the member’s browsers if they want its kind pushed; the list has it either way', async () => {
    const someone = await member()
    const browserId = await subscribe(someone)
    await notifications.notify(someone.userId, { kind: 'finder.sighting', text: 'Someone saw Pickle near the bakery.', url: '/finder/x#sightings' })
    await drain()
    const [pushed] = service.receivedBy(browserId)
    expect(pushed!.message).toMatchObject({ title: 'Nine Lives', body: 'Someone saw Pickle near the bakery.', url: `${ctx.config.publicUrl.origin}/finder/x#sightings` })
    expect(pushed!.urgency).toBe('normal')

    expect((await someone.browser.post('/settings/notifications', { push: 'reports' })).status).toBe(303)
    await notifications.notify(someone.userId, { kind: 'like', text: '@someone liked your post.', url: '/posts/1' })
    await notifications.notify(someone.userId, { kind: 'welcome', text: 'Welcome!' })
    await drain()
    expect(service.receivedBy(browserId)).toHaveLength(1)
    expect(await notifications.unreadCount(someone.userId)).toBe(3)
  })
})

describe('subscribing', () => {
  const valid = () => service.subscribe().then(({ subscription }) => subscription)

  test('the subscription is stored with a label from the browser, and listed in /settings', async () => {
    const someone = await member()
    await subscribe(someone)
    const html = await (await someone.browser.get('/settings')).text()
    expect(html).toContain('Firefox on Android')
    expect(html).toContain('Turn off push in Firefox on Android')
    expect(html).toContain('Turn on push notifications in this browser')
    expect(html).toMatch(/data-push-key="[\w-]{87}"/)
  })

  test('subscribing the same browser again keeps one row; another member signing in there takes it over', async () => {
    const first = await member()
    const second = await member()
    const subscription = await valid()
    expect((await first.browser.postJson('/push/subscribe', subscription)).status).toBe(201)
    expect((await first.browser.postJson('/push/subscribe', subscription)).status).toBe(201)
    expect(await subscriptionCount(first.userId)).toBe(1)
    expect((await second.browser.postJson('/push/subscribe', subscription)).status).toBe(201)
    expect(await subscriptionCount(first.userId)).toBe(0)
    expect(await subscriptionCount(second.userId)).toBe(1)
  })

  test.each([
    ['a bad endpoint URL', (s: Awaited<ReturnType<typeof valid>>) => ({ ...s, endpoint: 'not a url' }), /not a URL/],
    ['an endpoint off the allowlist', (s: Awaited<ReturnType<typeof valid>>) => ({ ...s, endpoint: 'https://127.0.0.1:6379/push/x' }), /127\.0\.0\.1 is not one we know/],
    ['an internal address by name', (s: Awaited<ReturnType<typeof valid>>) => ({ ...s, endpoint: 'https://metadata.google.internal/computeMetadata/v1' }), /not one we know/],
    ['credentials in the endpoint', (s: Awaited<ReturnType<typeof valid>>) => ({ ...s, endpoint: s.endpoint.replace('https://', 'https://user:pw@') }), /user name or password/],
    ['a short p256dh key', (s: Awaited<ReturnType<typeof valid>>) => ({ ...s, keys: { ...s.keys, p256dh: s.keys.p256dh.slice(0, 40) } }), /65-byte P-256/],
    ['a p256dh key off the curve', (s: Awaited<ReturnType<typeof valid>>) => ({ ...s, keys: { ...s.keys, p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url') } }), /65-byte P-256/],
    ['a compressed p256dh key', (s: Awaited<ReturnType<typeof valid>>) => ({ ...s, keys: { ...s.keys, p256dh: Buffer.concat([Buffer.from([2]), Buffer.alloc(64, 7)]).toString('base64url') } }), /65-byte P-256/],
    ['a 15-byte auth secret', (s: Awaited<ReturnType<typeof valid>>) => ({ ...s, keys: { ...s.keys, auth: Buffer.alloc(15, 1).toString('base64url') } }), /16 bytes/],
    ['an auth secret that is not base64url', (s: Awaited<ReturnType<typeof valid>>) => ({ ...s, keys: { ...s.keys, auth: 'abc$%^&*()abc$%^&*()ab' } }), /16 bytes/],
    ['no keys at all', (s: Awaited<ReturnType<typeof valid>>) => ({ endpoint: s.endpoint }), /p256dh/],
  ])('%s is refused with 422 and a clear message; nothing is stored', async (_name, spoil, message) => {
    const someone = await member()
    const response = await someone.browser.postJson('/push/subscribe', spoil(await valid()))
    expect(response.status).toBe(422)
    expect(((await response.json()) as { error: string }).error).toMatch(message)
    expect(await subscriptionCount(someone.userId)).toBe(0)
  })

  test('signed out: 401, nothing stored', async () => {
    const before = await db.selectFrom('push_subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const response = await new TestClient(ctx).postJson('/push/subscribe', await valid())
    expect(response.status).toBe(401)
    const after = await db.selectFrom('push_subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
  })

  test('from another site (forged Origin): 403, nothing stored', async () => {
    const someone = await member()
    const response = await someone.browser.postJson('/push/subscribe', await valid(), { headers: { Origin: 'https://evil.example' } })
    expect(response.status).toBe(403)
    expect(await subscriptionCount(someone.userId)).toBe(0)
  })

  test('in production a plain-http endpoint is refused even on an allowed host', async () => {
    const config = { ...ctx.config, production: true }
    const queue = createQueue<Jobs>({ store: ctx.infra.store, name: 'production-check', log: ctx.infra.log, concurrency: 1 })
    const production = createApp({ ...ctx.infra, config, queue }).app
    const someone = await member()
    const cookie = (await someone.browser.get('/settings')).ok // the session cookie lives in the client
    expect(cookie).toBe(true)
    const subscription = await valid()
    const request = (endpoint: string) =>
      new Request(`${ctx.config.publicUrl.origin}/push/subscribe`, {
        method: 'POST',
        headers: { Origin: ctx.config.publicUrl.origin, 'Content-Type': 'application/json', Cookie: someone.browser.cookieHeader() },
        body: JSON.stringify({ ...subscription, endpoint }),
      })
    const plain = await production.handle(request(subscription.endpoint.replace('https://', 'http://')))
    expect(plain.status).toBe(422)
    expect(((await plain.json()) as { error: string }).error).toMatch(/must be an https URL/)
    expect((await production.handle(request(subscription.endpoint))).status).toBe(201)
  })
})

describe('notification settings without JavaScript', () => {
  test('choices are saved by a plain form and shown ticked', async () => {
    const someone = await member()
    const before = await (await someone.browser.get('/settings')).text()
    expect(before).toMatch(/name="push" value="alerts" checked/)
    const saved = await someone.browser.post('/settings/notifications', new URLSearchParams([['push', 'alerts'], ['push', 'memorials']]) as unknown as Record<string, string>)
    expect(saved.status).toBe(303)
    expect(saved.headers.get('location')).toBe('/settings#push')
    const after = await (await someone.browser.get('/settings')).text()
    expect(after).toMatch(/name="push" value="alerts" checked/)
    expect(after).toMatch(/name="push" value="memorials" checked/)
    expect(after).not.toMatch(/name="push" value="social" checked/)
    expect(await push.subscriptions.preferencesOf(someone.userId)).toEqual({ alerts: true, reports: false, social: false, memorials: true })
  })

  test('a member turns push off in one of their browsers; nobody else can', async () => {
    const owner = await member()
    await subscribe(owner)
    const [browser] = await push.subscriptions.browsersOf(owner.userId)
    const stranger = await member()
    expect((await stranger.browser.post(`/settings/push/${browser!.id}/remove`, {})).status).toBe(404)
    expect(await subscriptionCount(owner.userId)).toBe(1)
    const removed = await owner.browser.post(`/settings/push/${browser!.id}/remove`, {})
    expect(removed.status).toBe(303)
    expect(await subscriptionCount(owner.userId)).toBe(0)
    expect(await (await owner.browser.get('/settings')).text()).toContain('None yet.')
  })
})
