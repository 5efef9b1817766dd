import { expect, test } from 'bun:test'
import { sql } from 'kysely'
import { DEMO_PASSWORD, demoHandle, seedDemoData } from '@/features/demo/seed'
import { testContext } from '@tests/helpers/context'

const ctx = await testContext()

// Seeding draws and processes a few photos (feed, memorials): on a busy 2-core box that can pass Bun's 5 s default.
test('demo members can sign in, and seeding twice adds nobody twice', async () => {
  const first = await seedDemoData(ctx.services, { users: 3 })
  const second = await seedDemoData(ctx.services, { users: 3 })
  expect(second).toContain('Added 0 demo members')
  expect(first).toContain(`@${demoHandle(0)}`)
  const member = await ctx.services.accounts.authenticate(demoHandle(2), DEMO_PASSWORD)
  expect(member?.handle).toBe(demoHandle(2))
}, 240_000)

// Seeding draws and processes a photo for each member and report: a minute on a busy 2-core box.
test('the demo looks lived in: members have names, bios and photos; reports photos, descriptions and sightings; memorials photos', async () => {
  await seedDemoData(ctx.services, { users: 4 })
  const members = await Promise.all([0, 1, 2, 3].map((index) => ctx.services.accounts.findByHandle(demoHandle(index))))
  for (const member of members) {
    expect(member!.display_name).not.toBe(member!.handle)
    expect(member!.display_name).toMatch(/^\p{Lu}\p{L}+ \p{Lu}/u)
    expect(member!.bio.length).toBeGreaterThan(10)
    expect(member!.avatar_media_id).not.toBeNull()
  }
  expect(new Set(members.map((member) => member!.display_name)).size).toBe(4)
  const reports = await ctx.infra.dbs.finder
    .selectFrom('lost_cats')
    .select(['id', 'description', sql<number>`cardinality(photo_media_ids)`.as('photos')])
    .where('reporter_id', 'in', members.map((member) => member!.id))
    .execute()
  expect(reports.length).toBeGreaterThan(0)
  for (const report of reports) {
    expect(report.photos).toBeGreaterThan(0)
    expect(report.description.length).toBeGreaterThan(20)
  }
  const sightings = await ctx.infra.dbs.finder.selectFrom('sightings').select('id').where('report_id', 'in', reports.map((report) => report.id)).execute()
  expect(sightings.length).toBeGreaterThan(0)
  const memorials = await ctx.infra.dbs.memorials.selectFrom('memorials').select(['id', 'cover_media_id']).where('owner_id', 'in', members.map((member) => member!.id)).execute()
  expect(memorials.length).toBeGreaterThan(0)
  const gallery = await ctx.infra.dbs.memorials.selectFrom('memorial_photos').select('memorial_id').where('memorial_id', 'in', memorials.map((memorial) => memorial.id)).execute()
  for (const memorial of memorials) {
    expect(memorial.cover_media_id).not.toBeNull()
    expect(gallery.map((photo) => photo.memorial_id)).toContain(memorial.id)
  }
}, 240_000)

test('demo handles are unique and valid far beyond the name list', () => {
  const handles = Array.from({ length: 1000 }, (_, index) => demoHandle(index))
  expect(new Set(handles).size).toBe(1000)
  expect(handles.every((handle) => /^[a-z0-9_]{3,30}$/.test(handle))).toBe(true)
})
