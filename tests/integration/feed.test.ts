import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import type { Viewer } from '@/features/accounts/viewer'
import { testContext } from '@tests/helpers/context'
import { postForm } from '@tests/helpers/forms'
import { TestClient } from '@tests/helpers/http'
import { photoLike } from '@tests/helpers/images'

// Some tests process photos or write dozens of posts; on a busy 2-core box that can pass Bun's 5 s default.
setDefaultTimeout(30_000)

const ctx = await testContext()
const social = ctx.infra.dbs.social
const { feed } = ctx.services

interface Member {
  client: TestClient
  handle: string
  id: string
}

async function member(prefix = 'cat'): Promise<Member> {
  const client = new TestClient(ctx)
  const { handle } = await client.signUp(prefix)
  const user = await ctx.services.accounts.findByHandle(handle)
  return { client, handle, id: user!.id }
}

const viewerOf = (m: Member): Viewer => ({ id: m.id, handle: m.handle, displayName: m.handle, role: 'member', avatarMediaId: null, emailVerified: true })

async function jpeg(seed = 1): Promise<File> {
  const bytes = await (await photoLike(320, 240, seed)).jpeg().toBuffer()
  return new File([new Uint8Array(bytes)], `cat-${seed}.jpg`, { type: 'image/jpeg' })
}

async function writePost(author: Member, body: string): Promise<number> {
  const response = await author.client.post('/posts', postForm(body))
  expect(response.status).toBe(303)
  await ctx.infra.queue.drain()
  const row = await social.selectFrom('posts').select('id').where('author_id', '=', author.id).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
  return row.id
}

async function postCount(authorId: string): Promise<number> {
  const row = await social.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('n')).where('author_id', '=', authorId).executeTakeFirstOrThrow()
  return Number(row.n)
}

const postIdsIn = (html: string) => [...html.matchAll(/<article class="post" id="post-(\d+)"/g)].map((match) => Number(match[1]))

describe('posting and the home feed', () => {
  test('a post with photos and a tagged cat shows on the author’s and a follower’s feed, escaped', async () => {
    const author = await member('ann')
    const fan = await member('fan')
    await fan.client.post(`/@${author.handle}/follow`, {})
    const cat = await feed.cats.add(author.id, { name: 'Biscuit', breed: '', colours: 'ginger', birthday: '', photo: null })
    expect(cat.ok).toBe(true)
    const catId = cat.ok ? cat.value.id : 0

    const form = postForm('Biscuit <script>alert(1)</script> found the sunbeam', [
      { file: await jpeg(1), alt: 'Ginger cat in a sunbeam' },
      { file: await jpeg(2), alt: 'The same cat, asleep' },
    ], { cats: String(catId) })
    const response = await author.client.post('/posts', form)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/')
    await ctx.infra.queue.drain()

    for (const reader of [author, fan]) {
      const html = await (await reader.client.get('/')).text()
      expect(html).toContain('Biscuit &lt;script&gt;alert(1)&lt;/script&gt; found the sunbeam')
      expect(html).not.toContain('<script>alert(1)')
      expect(html).toContain('alt="Ginger cat in a sunbeam"')
      expect(html).toContain('alt="The same cat, asleep"')
      expect(html).toContain(`href="/@${author.handle}#cat-${catId}"`)
    }
  })

  test('the home feed pages with real ?cursor= links that work as full pages and as htmx fragments', async () => {
    const author = await member('busy')
    const reader = await member('reader')
    await reader.client.post(`/@${author.handle}/follow`, {})
    const ids: number[] = []
    for (let i = 0; i < 25; i++) ids.push(await writePost(author, `post number ${i}`))
    const newestFirst = [...ids].reverse()

    const first = await (await reader.client.get('/')).text()
    expect(postIdsIn(first)).toEqual(newestFirst.slice(0, 20))
    const next = /<a href="(\/\?cursor=[^"]+)" hx-get="\/\?cursor=[^"]+" hx-target="closest \.pager" hx-swap="outerHTML" hx-push-url="true">Load more<\/a>/.exec(first)
    expect(next).not.toBeNull()
    const url = next![1]!.replaceAll('&amp;', '&')

    const fullPage = await reader.client.get(url)
    const full = await fullPage.text()
    expect(full).toContain('<!doctype html>')
    expect(postIdsIn(full)).toEqual(newestFirst.slice(20))

    const fragment = await (await reader.client.get(url, { htmx: true })).text()
    expect(fragment).not.toContain('<html')
    expect(fragment.startsWith('<article')).toBe(true)
    expect(postIdsIn(fragment)).toEqual(newestFirst.slice(20))
    expect(fragment).not.toContain('Load more')
  })

  test('a visitor sees a landing page with trending posts, shareable by the CDN', async () => {
    const author = await member('star')
    const fan = await member('fan')
    const postId = await writePost(author, 'Trending whiskers')
    await fan.client.post(`/posts/${postId}/like`, {})
    await feed.trending.refresh()

    const response = await new TestClient(ctx).get('/')
    const html = await response.text()
    expect(html).toContain('Trending this week')
    expect(html).toContain('Trending whiskers')
    expect(html).toContain('Sign up')
    expect(response.headers.get('cache-control')).toContain('s-maxage=60')
    expect(response.headers.get('cache-tag')).toBe('trending')

    const explore = await (await new TestClient(ctx).get('/explore')).text()
    expect(postIdsIn(explore)).toContain(postId)
  })

  test('explore pages through trending posts by score with cursors, without repeats', async () => {
    const author = await member('ranked')
    // More than a page of them (the view holds every post of the last 7 days, up to 100).
    for (let i = 0; i < 22; i++) await writePost(author, `Ranked ${i}`)
    await feed.trending.refresh()
    const visitor = new TestClient(ctx)
    const seen: number[] = []
    let url: string | null = '/explore'
    let pages = 0
    while (url) {
      pages++
      const html: string = await (await visitor.get(url, { htmx: url !== '/explore' })).text()
      seen.push(...postIdsIn(html))
      url = /<a href="(\/explore\?cursor=[^"]+)"/.exec(html)?.[1] ?? null
    }
    expect(pages).toBeGreaterThan(1)
    expect(new Set(seen).size).toBe(seen.length)
    const ranked = await social.selectFrom('trending_posts').select('id').orderBy('trending_score', 'desc').orderBy('id', 'desc').execute()
    const live = new Set((await social.selectFrom('posts').select('id').execute()).map((row) => row.id))
    expect(seen).toEqual(ranked.map((row) => row.id).filter((id) => live.has(id)))
  })

  test('a post page has its comments, a canonical URL and Open Graph tags with the photo', async () => {
    const author = await member('og')
    const response = await author.client.post('/posts', postForm('Look at "Mittens" & friends', [{ file: await jpeg(3), alt: 'Tabby on a red blanket' }]))
    expect(response.status).toBe(303)
    const { id } = await social.selectFrom('posts').select('id').where('author_id', '=', author.id).executeTakeFirstOrThrow()
    const html = await (await new TestClient(ctx).get(`/posts/${id}`)).text()
    expect(html).toContain(`<link rel="canonical" href="http://localhost:3000/posts/${id}"/>`)
    // KitaJS escapes quotes in attributes (a value can't end early); & and < are inert inside them.
    expect(html).toContain('<meta property="og:description" content="Look at &#34;Mittens&#34; & friends"/>')
    expect(html).toMatch(/<meta property="og:image" content="http[^"]+\.jpg"\/>/)
    expect(html).toContain('<meta property="og:image:alt" content="Tabby on a red blanket"/>')
    expect(html).toContain('"@type":"SocialMediaPosting"')
    expect(html).toContain('Sign in to comment')
  })
})

describe('profiles, cats and follows', () => {
  test('a profile shows the member, their cats and posts; follow and unfollow swap the button and the count', async () => {
    const owner = await member('owner')
    const fan = await member('fan')
    const photo = new Uint8Array(await (await jpeg(4)).arrayBuffer())
    const cat = await feed.cats.add(owner.id, { name: 'Pepper', breed: 'Moggy', colours: 'black and white', birthday: '2019-04-23', photo: { bytes: photo, alt: 'Pepper on the stairs' } })
    expect(cat.ok).toBe(true)
    await writePost(owner, 'Pepper says hello')

    const page = await (await fan.client.get(`/@${owner.handle}`)).text()
    expect(page).toContain(`<h1>${owner.handle}</h1>`)
    expect(page).toContain('Pepper')
    expect(page).toContain('Moggy · black and white')
    expect(page).toContain('23 April 2019')
    expect(page).toContain('alt="Pepper on the stairs"')
    expect(page).toContain('Pepper says hello')
    expect(page).toContain('0 followers')

    const followed = await fan.client.post(`/@${owner.handle}/follow`, { back: `/@${owner.handle}` }, { htmx: true })
    expect(followed.status).toBe(200)
    const control = await followed.text()
    expect(control.startsWith('<div class="follow"')).toBe(true)
    expect(control).toContain('1 follower')
    expect(control).toContain('>Unfollow</button>')

    // Again: idempotent, still one follower.
    expect(await (await fan.client.post(`/@${owner.handle}/follow`, {}, { htmx: true })).text()).toContain('1 follower')

    const unfollowed = await fan.client.post(`/@${owner.handle}/unfollow`, { back: `/@${owner.handle}` })
    expect(unfollowed.status).toBe(303)
    expect(unfollowed.headers.get('location')).toBe(`/@${owner.handle}`)
    expect(await (await fan.client.get(`/@${owner.handle}`)).text()).toContain('0 followers')
  })

  test('a member adds and edits a cat through the form; a bad birthday comes back with what was typed', async () => {
    const owner = await member('catlady')
    const form = new FormData()
    form.set('name', 'Tom <b>Kitten</b>')
    form.set('breed', 'British Shorthair')
    form.set('colours', 'grey')
    form.set('birthday', '2999-01-01')
    form.set('photo', new File([], ''))
    form.set('alt', '')
    const refused = await owner.client.post('/cats', form)
    expect(refused.status).toBe(422)
    const html = await refused.text()
    expect(html).toContain('A birthday can’t be in the future.')
    expect(html).toContain('value="Tom <b>Kitten</b>"') // inert inside a quoted attribute
    expect(await feed.cats.ofOwner(owner.id)).toHaveLength(0)

    form.set('birthday', '2020-02-29')
    const added = await owner.client.post('/cats', form)
    expect(added.status).toBe(303)
    const [cat] = await feed.cats.ofOwner(owner.id)
    expect(cat!.birthday).toBe('2020-02-29')
    expect(added.headers.get('location')).toBe(`/@${owner.handle}#cat-${cat!.id}`)

    form.set('name', 'Tom')
    const edited = await owner.client.post(`/cats/${cat!.id}`, form)
    expect(edited.status).toBe(303)
    expect((await feed.cats.ofOwner(owner.id))[0]!.name).toBe('Tom')

    const someoneElse = await member('other')
    expect((await someoneElse.client.post(`/cats/${cat!.id}`, form)).status).toBe(404)
    expect((await feed.cats.ofOwner(owner.id))[0]!.name).toBe('Tom')
  })
})

describe('likes, comments and notifications', () => {
  test('like and unlike are idempotent and the count follows; the author is notified once', async () => {
    const author = await member('liked')
    const fan = await member('fan')
    const postId = await writePost(author, 'Like me')
    for (let i = 0; i < 2; i++) {
      const liked = await fan.client.post(`/posts/${postId}/like`, { back: '/' }, { htmx: true })
      expect(await liked.text()).toContain('1 like')
    }
    const unliked = await fan.client.post(`/posts/${postId}/unlike`, { back: '/' })
    expect(unliked.status).toBe(303)
    expect(unliked.headers.get('location')).toBe('/')
    await fan.client.post(`/posts/${postId}/unlike`, {})
    await fan.client.post(`/posts/${postId}/like`, {})
    const post = await social.selectFrom('posts').select('like_count').where('id', '=', postId).executeTakeFirstOrThrow()
    expect(post.like_count).toBe(1)
    const notes = await ctx.services.notifications.newestFirst(author.id)
    expect(notes.notifications.filter((note) => note.kind === 'like')).toHaveLength(1)
  })

  test('counts stay right under many concurrent likes and unlikes', async () => {
    const author = await member('popular')
    const postId = await writePost(author, 'Everyone at once')
    const fans = await Promise.all(Array.from({ length: 12 }, () => member('crowd')))
    await Promise.all(fans.flatMap((fan) => [feed.like(viewerOf(fan), postId), feed.like(viewerOf(fan), postId)]))
    await Promise.all(fans.slice(0, 5).flatMap((fan) => [feed.unlike(viewerOf(fan), postId), feed.like(viewerOf(fan), postId), feed.unlike(viewerOf(fan), postId)]))
    const [post, likes] = await Promise.all([
      social.selectFrom('posts').select('like_count').where('id', '=', postId).executeTakeFirstOrThrow(),
      social.selectFrom('likes').select((eb) => eb.fn.countAll<number>().as('n')).where('post_id', '=', postId).executeTakeFirstOrThrow(),
    ])
    expect(post.like_count).toBe(Number(likes.n))
  })

  test('another reader sees a like, a comment and a deletion on their next page, though posts are kept near', async () => {
    const author = await member('kept')
    const fan = await member('fan')
    const reader = await member('reader')
    const postId = await writePost(author, 'Counted everywhere')
    const seen = async () => (await reader.client.get(`/posts/${postId}`)).text()
    expect(await seen()).not.toContain('1 like')
    await fan.client.post(`/posts/${postId}/like`, {})
    expect(await seen()).toContain('1 like')
    await fan.client.post(`/posts/${postId}/comments`, { body: 'Seen it' })
    expect(await seen()).toContain('1 comment')
    await author.client.post(`/posts/${postId}/delete`, {})
    expect((await reader.client.get(`/posts/${postId}`)).status).toBe(404)
  })

  test('"Delete post" without JavaScript asks first: a page whose form deletes; with htmx it posts after the browser asks', async () => {
    const author = await member('deleter')
    const postId = await writePost(author, 'Think twice')
    const own = await (await author.client.get(`/posts/${postId}`)).text()
    const form = /<form class="delete"[^>]*>/.exec(own)![0]
    expect(form).toContain('method="get"')
    expect(form).toContain(`action="/posts/${postId}/delete"`)
    expect(form).toContain(`hx-post="/posts/${postId}/delete"`)
    expect(form).toContain('hx-confirm="Delete this post?"')

    const ask = await author.client.get(`/posts/${postId}/delete?back=%2F%40${author.handle}`)
    expect(ask.status).toBe(200)
    const page = await ask.text()
    expect(page).toContain('Think twice')
    expect(page).toMatch(new RegExp(`<form method="post" action="/posts/${postId}/delete">`))
    expect(page).toContain('Delete this post</button>')
    expect(page).toContain(`href="/@${author.handle}">Keep it</a>`)
    expect((await author.client.get(`/posts/${postId}`)).status).toBe(200)

    const other = await member('notdeleter')
    expect((await other.client.get(`/posts/${postId}/delete`)).status).toBe(404)
    expect((await author.client.post(`/posts/${postId}/delete`, { back: `/@${author.handle}` })).status).toBe(303)
    expect((await author.client.get(`/posts/${postId}`)).status).toBe(404)
  })

  test('cards kept as rendered still show each reader their own heart and buttons, and the new counts', async () => {
    const author = await member('shown')
    const [fan, reader] = [await member('fan'), await member('reader')]
    for (const follower of [fan, reader]) await follower.client.post(`/@${author.handle}/follow`, {})
    const postId = await writePost(author, 'Rendered once, shown to all')
    await fan.client.post(`/posts/${postId}/like`, {})
    const card = async (who: Member) => {
      const html = await (await who.client.get('/')).text()
      return new RegExp(`<article class="post" id="post-${postId}"[\\s\\S]*?</article>`).exec(html)?.[0] ?? ''
    }
    const [byAuthor, byFan, byReader] = [await card(author), await card(fan), await card(reader)]
    expect(byFan).toContain('>Unlike</button>')
    expect(byReader).toContain('>Like</button>')
    expect(byAuthor).toContain('Delete post')
    for (const other of [byFan, byReader]) expect(other).not.toContain('Delete post')
    for (const shown of [byAuthor, byFan, byReader]) expect(shown).toContain('1 like')
    await reader.client.post(`/posts/${postId}/like`, {})
    const afterLike = await card(reader)
    expect(afterLike).toContain('>Unlike</button>')
    expect(afterLike).toContain('2 likes')
  })

  test('the hearts are right on new and old posts, and follow a like or unlike at once', async () => {
    const author = await member('liked')
    const fan = await member('fan')
    // More liked posts than are kept near (500), so the hearts of the oldest are asked of PostgreSQL.
    const posts = await social
      .insertInto('posts')
      .values(Array.from({ length: 520 }, (_, i) => ({ author_id: author.id, body: `liked ${i}`, in_timelines: true, like_count: 1 })))
      .returning('id')
      .execute()
    const ids = posts.map((post) => post.id).sort((a, b) => a - b)
    const notLiked = new Set([ids[0], ids[10], ids[519]])
    await social.insertInto('likes').values(ids.filter((id) => !notLiked.has(id)).map((post_id) => ({ post_id, user_id: fan.id }))).execute()
    const shown = [ids[0]!, ids[1]!, ids[10]!, ids[518]!, ids[519]!]
    const hearts = () => Promise.all(shown.map(async (id) => (await feed.post(id, viewerOf(fan)))!.likedByViewer))
    expect(await hearts()).toEqual([false, true, false, true, false])
    await feed.like(viewerOf(fan), ids[519]!)
    await feed.unlike(viewerOf(fan), ids[518]!)
    await feed.like(viewerOf(fan), ids[0]!)
    expect(await hearts()).toEqual([true, true, false, false, true])
  })

  test('comments read oldest first with the newest last; only one’s own can be deleted; counts follow', async () => {
    const author = await member('thread')
    const fan = await member('fan')
    const postId = await writePost(author, 'Discuss')
    const first = await fan.client.post(`/posts/${postId}/comments`, { body: 'First!' })
    expect(first.status).toBe(303)
    expect(first.headers.get('location')).toMatch(new RegExp(`^/posts/${postId}#comment-\\d+$`))
    const second = await author.client.post(`/posts/${postId}/comments`, { body: 'Thanks <em>you</em>' }, { htmx: true })
    const section = await second.text()
    expect(section.startsWith('<section id="comments"')).toBe(true)
    expect(section.indexOf('First!')).toBeLessThan(section.indexOf('Thanks &lt;em&gt;you&lt;/em&gt;'))
    expect(section).toContain('2 comments')

    const commentId = Number(/#comment-(\d+)/.exec(first.headers.get('location')!)![1])
    const notYours = await author.client.post(`/comments/${commentId}/delete`, {})
    expect(notYours.status).toBe(403)
    expect(await notYours.text()).toContain('You can only delete your own comments.')
    const deleted = await fan.client.post(`/comments/${commentId}/delete`, {}, { htmx: true })
    expect(deleted.status).toBe(200)
    expect(await deleted.text()).toContain('1 comment')
    const post = await social.selectFrom('posts').select('comment_count').where('id', '=', postId).executeTakeFirstOrThrow()
    expect(post.comment_count).toBe(1)

    const notes = await ctx.services.notifications.newestFirst(author.id)
    expect(notes.notifications.map((note) => note.kind)).toContain('comment')
  })

  test('following someone notifies them', async () => {
    const star = await member('star')
    const fan = await member('fan')
    await fan.client.post(`/@${star.handle}/follow`, {})
    const notes = await ctx.services.notifications.newestFirst(star.id)
    expect(notes.notifications.some((note) => note.kind === 'follow' && note.text.includes(fan.handle))).toBe(true)
  })
})

describe('the cached first page of the home feed', () => {
  test('others’ posts wait for the cache, but one’s own post, like or follow shows on the next load', async () => {
    const reader = await member('reader')
    const friend = await member('friend')
    const stranger = await member('stranger')
    await reader.client.post(`/@${friend.handle}/follow`, {})
    await reader.client.get('/') // fills the cache

    const friendsPost = await writePost(friend, 'Friend posted meanwhile')
    expect(postIdsIn(await (await reader.client.get('/')).text())).not.toContain(friendsPost) // served from the cache

    // The reader's own post drops the cache: both show.
    const ownPost = await writePost(reader, 'My own post')
    let ids = postIdsIn(await (await reader.client.get('/')).text())
    expect(ids.slice(0, 2)).toEqual([ownPost, friendsPost])

    // A like drops it: the new count shows.
    await reader.client.post(`/posts/${friendsPost}/like`, {})
    expect(await (await reader.client.get('/')).text()).toMatch(new RegExp(`id="post-${friendsPost}"[\\s\\S]*?>Unlike</button> <span class="like-count">1 like</span>`))

    // A follow drops it: the newly followed member's posts show.
    const strangersPost = await writePost(stranger, 'Hello from a stranger')
    await reader.client.get('/')
    await reader.client.post(`/@${stranger.handle}/follow`, {})
    ids = postIdsIn(await (await reader.client.get('/')).text())
    expect(ids).toContain(strangersPost)

    // An unfollow drops it too.
    await reader.client.post(`/@${stranger.handle}/unfollow`, {})
    expect(postIdsIn(await (await reader.client.get('/')).text())).not.toContain(strangersPost)

    // And a comment.
    const another = await writePost(friend, 'Another one')
    await reader.client.post(`/posts/${friendsPost}/comments`, { body: 'Nice' })
    expect(postIdsIn(await (await reader.client.get('/')).text())).toContain(another)
  })
})

describe('bad input is refused with the right status, a clear message, and nothing changed', () => {
  test('an empty post, an oversized post, a missing description, more than four photos', async () => {
    const author = await member('bad')
    const tooLong = 'x'.repeat(ctx.config.feed.postMaxChars + 1)
    const cases: { form: FormData; status: number; message: string; kept?: string }[] = [
      { form: postForm('   '), status: 422, message: 'Write something or add a photo.' },
      { form: postForm(tooLong), status: 422, message: `A post can have at most ${ctx.config.feed.postMaxChars} characters`, kept: tooLong },
      { form: postForm('With a photo', [{ file: await jpeg(5), alt: '  ' }]), status: 422, message: 'Please describe this photo', kept: 'With a photo' },
    ]
    const fivePhotos = postForm('Five photos', [1, 2, 3, 4].map((seed) => ({ alt: `Photo ${seed}` })))
    fivePhotos.append('photo5', await jpeg(6))
    cases.push({ form: fivePhotos, status: 413, message: 'A post can have at most 4 photos.', kept: 'Five photos' })
    for (const { form, status, message, kept } of cases) {
      const response = await author.client.post('/posts', form)
      expect(response.status).toBe(status)
      const html = await response.text()
      expect(html).toContain(message)
      if (kept) expect(html).toContain(kept)
    }
    // With htmx (the upload script), just the composer comes back.
    const partial = await author.client.post('/posts', postForm(''), { htmx: true })
    expect(partial.status).toBe(422)
    expect((await partial.text()).startsWith('<section id="post-composer"')).toBe(true)

    expect(await postCount(author.id)).toBe(0)
    const media = await social.selectFrom('media').select('id').where('owner_id', '=', author.id).execute()
    expect(media).toHaveLength(0)
  })

  test('liking a deleted post, commenting signed out, following oneself, deleting someone else’s post', async () => {
    const author = await member('victim')
    const other = await member('other')
    const gone = await writePost(author, 'Soon gone')
    const kept = await writePost(author, 'Staying')
    expect((await author.client.post(`/posts/${gone}/delete`, {})).status).toBe(303)

    const like = await other.client.post(`/posts/${gone}/like`, {})
    expect(like.status).toBe(404)
    expect(await like.text()).toContain('This post has been deleted.')
    expect(await social.selectFrom('likes').select('post_id').where('post_id', '=', gone).execute()).toHaveLength(0)

    const signedOut = await new TestClient(ctx).post(`/posts/${kept}/comments`, { body: 'Hi' })
    expect(signedOut.status).toBe(401)
    expect(await signedOut.text()).toContain('You need to be signed in')

    const self = await author.client.post(`/@${author.handle}/follow`, {})
    expect(self.status).toBe(400)
    expect(await self.text()).toContain('You can’t follow yourself.')
    expect(await social.selectFrom('follows').select('follower_id').where('follower_id', '=', author.id).execute()).toHaveLength(0)

    const notYours = await other.client.post(`/posts/${kept}/delete`, {})
    expect(notYours.status).toBe(403)
    expect(await notYours.text()).toContain('You can only delete your own posts.')
    expect(await postCount(author.id)).toBe(1)

    const post = await social.selectFrom('posts').select(['comment_count', 'like_count']).where('id', '=', kept).executeTakeFirstOrThrow()
    expect(post).toEqual({ comment_count: 0, like_count: 0 })
    expect((await other.client.get('/posts/999999999')).status).toBe(404)
    expect((await other.client.get('/@nobody_has_this')).status).toBe(404)
  })

  test('an empty or oversized comment comes back with the text, as 422', async () => {
    const author = await member('talk')
    const postId = await writePost(author, 'Say something')
    const long = 'y'.repeat(ctx.config.feed.commentMaxChars + 1)
    const response = await author.client.post(`/posts/${postId}/comments`, { body: long })
    expect(response.status).toBe(422)
    const html = await response.text()
    expect(html).toContain(`A comment can have at most ${ctx.config.feed.commentMaxChars} characters`)
    expect(html).toContain(long)
    const empty = await author.client.post(`/posts/${postId}/comments`, { body: ' ' }, { htmx: true })
    expect(empty.status).toBe(422)
    expect(await empty.text()).toContain('Please write a comment.')
    expect(await social.selectFrom('comments').select('id').where('post_id', '=', postId).execute()).toHaveLength(0)
  })

  test('posting and commenting are rate-limited per account', async () => {
    const author = await member('spam')
    const { attempts } = ctx.config.feed.postRateLimit
    let last: Response | null = null
    for (let i = 0; i <= attempts; i++) last = await author.client.post('/posts', postForm(''))
    expect(last!.status).toBe(429)
    expect(await last!.text()).toContain('Too many attempts')

    const postId = await feed.writePost(viewerOf(author), { body: 'ok', photos: [], catIds: [] }).then((r) => (r.ok ? r.value.id : 0))
    const commentLimit = ctx.config.feed.commentRateLimit.attempts
    for (let i = 0; i <= commentLimit; i++) last = await author.client.post(`/posts/${postId}/comments`, { body: '' })
    expect(last!.status).toBe(429)
  })
})
