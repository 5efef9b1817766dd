// @mentions, #tags and links in posts and comments, and the comment count that follows a comment.
import { expect, setDefaultTimeout, test } from 'bun:test'
import { testContext } from '@tests/helpers/context'
import { postForm } from '@tests/helpers/forms'
import { TestClient } from '@tests/helpers/http'

setDefaultTimeout(30_000)

const ctx = await testContext()

async function member(prefix: string) {
  const client = new TestClient(ctx)
  const { handle } = await client.signUp(prefix)
  const user = await ctx.services.accounts.findByHandle(handle)
  return { client, handle, id: user!.id }
}

async function notificationTexts(userId: string): Promise<string[]> {
  const rows = await ctx.infra.dbs.accounts.selectFrom('notifications').select('text').where('user_id', '=', userId).execute()
  return rows.map((row) => row.text)
}

test('a member mentioned in a post or a comment is notified once each; the writer and unknown handles are not', async () => {
  const [writer, friend] = [await member('writer'), await member('friend')]
  expect((await writer.client.post('/posts', postForm(`Look, @${friend.handle} and @${writer.handle} and @nobody_has_this #Caturday`))).status).toBe(303)
  await ctx.infra.queue.drain()
  const post = await ctx.infra.dbs.social.selectFrom('posts').select('id').where('author_id', '=', writer.id).executeTakeFirstOrThrow()
  expect((await notificationTexts(friend.id)).filter((text) => text.includes('mentioned you in a post'))).toHaveLength(1)
  expect((await notificationTexts(writer.id)).some((text) => text.includes('mentioned you'))).toBe(false)

  // The post's page links the mention and the tag; the text around them is escaped.
  const html = await (await writer.client.get(`/posts/${post.id}`)).text()
  expect(html).toContain(`<a class="mention" href="/@${friend.handle}">@${friend.handle}</a>`)
  expect(html).toContain('<a class="hashtag" href="/search?q=%23Caturday">#Caturday</a>')

  // A comment mentioning the post's author tells them once (of the comment), not twice.
  await friend.client.post(`/posts/${post.id}/comments`, { body: `Thanks @${writer.handle}!` })
  const told = await notificationTexts(writer.id)
  expect(told.filter((text) => text.includes('commented on your post'))).toHaveLength(1)
  expect(told.filter((text) => text.includes('mentioned you'))).toHaveLength(0)
})

test('a comment added with htmx brings the post’s new comment count with it', async () => {
  const writer = await member('counted')
  await writer.client.post('/posts', postForm('Count my comments'))
  await ctx.infra.queue.drain()
  const post = await ctx.infra.dbs.social.selectFrom('posts').select('id').where('author_id', '=', writer.id).executeTakeFirstOrThrow()
  const page = await (await writer.client.get(`/posts/${post.id}`)).text()
  expect(page).toContain(`id="post-${post.id}-comment-count"`)
  expect(page).not.toContain('<hx-partial')
  const answer = await (await writer.client.post(`/posts/${post.id}/comments`, { body: 'One' }, { htmx: true })).text()
  expect(answer).toContain(`<hx-partial hx-target="#post-${post.id}-comment-count" hx-swap="outerHTML">`)
  expect(answer).toMatch(new RegExp(`id="post-${post.id}-comment-count"[^]*?1 comment<`))
})
