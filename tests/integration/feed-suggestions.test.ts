// People to follow (the second column and /welcome): follows of follows first, then recent posters;
// never the member, nor anyone they follow.
import { expect, setDefaultTimeout, test } from 'bun:test'
import type { Viewer } from '@/features/accounts/viewer'
import { testContext } from '@tests/helpers/context'
import { TestClient } from '@tests/helpers/http'

setDefaultTimeout(30_000)

const ctx = await testContext()
const { feed } = ctx.services

async function member(prefix: string): Promise<Viewer & { client: TestClient }> {
  const client = new TestClient(ctx)
  const { handle } = await client.signUp(prefix)
  const user = (await ctx.services.accounts.findByHandle(handle))!
  return { client, id: user.id, handle, displayName: handle, role: 'member', avatarMediaId: null, emailVerified: true }
}

test('follows of follows come first, the most shared first; nobody already followed, nor oneself', async () => {
  const [me, friendA, friendB, sharedByTwo, sharedByOne] = [await member('me'), await member('fa'), await member('fb'), await member('two'), await member('one')]
  for (const [who, whom] of [
    [me, friendA],
    [me, friendB],
    [friendA, sharedByTwo],
    [friendB, sharedByTwo],
    [friendA, sharedByOne],
    [friendA, me],
  ] as const) {
    await feed.follow(who, whom.handle)
  }
  const suggested = (await feed.suggestedMembers(me)).map((person) => person.handle)
  expect(suggested.slice(0, 2)).toEqual([sharedByTwo.handle, sharedByOne.handle])
  expect(suggested).not.toContain(me.handle)
  expect(suggested).not.toContain(friendA.handle)
  expect(suggested).not.toContain(friendB.handle)

  // The welcome page offers them with a Follow button each.
  const welcome = await (await me.client.get('/welcome')).text()
  expect(welcome).toContain(`/@${sharedByTwo.handle}/follow`)
})
