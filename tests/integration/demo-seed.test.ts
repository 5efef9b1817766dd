import { expect, test } from 'bun:test'
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
}, 30_000)

test('demo handles are unique and valid far beyond the name list', () => {
  const handles = Array.from({ length: 1000 }, (_, index) => demoHandle(index))
  expect(new Set(handles).size).toBe(1000)
  expect(handles.every((handle) => /^[a-z0-9_]{3,30}$/.test(handle))).toBe(true)
})
