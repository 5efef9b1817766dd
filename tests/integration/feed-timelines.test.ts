/**
 * The hybrid home feed (timelines in the Store, fan-out on write, read-time merge of popular authors,
 * PostgreSQL past a timeline's end) must show exactly what plain fan-out-on-read from PostgreSQL
 * shows, page by page, whatever happened before: random follow graphs, posts, follows, unfollows,
 * deletions, evicted timelines, authors above the fan-out threshold, posts sharing a millisecond,
 * and posts arriving between page loads.
 *
 * Short timelines (TIMELINE_ITEMS) and a low threshold (THRESHOLD) reach every path in a few dozen
 * posts; the feed runs on its own queue so its fan-out uses the same settings.
 */
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import type { Viewer } from '@/features/accounts/viewer'
import { feedJobs, type FeedJobs } from '@/features/feed/jobs'
import { createFeed, type Feed } from '@/features/feed/service'
import type { FeedEntry } from '@/features/feed/timeline-queries'
import { timelineKey } from '@/features/feed/timelines'
import { createOutbox } from '@/infra/outbox'
import { createQueue } from '@/infra/queue'
import { testContext } from '@tests/helpers/context'
import { uniqueHandle } from '@tests/helpers/http'

// Each seed runs seventy steps and pages through six feeds ten times: seconds on a busy 2-core box.
setDefaultTimeout(60_000)

const ctx = await testContext()
const { dbs, store, log } = ctx.infra

/** Authors with more followers than this are merged at read time. */
const THRESHOLD = 2
/** Short timelines: trimming and reading past the end happen within a few posts. */
const TIMELINE_ITEMS = 7
const PAGE_SIZE = 4
const MEMBERS = 6
const STEPS = 70
const SEEDS = [1, 2, 3, 4, 5]

function testFeed(): { feed: Feed; drain: () => Promise<void> } {
  const queue = createQueue<FeedJobs>({ store, name: `feed-property-${uniqueHandle('q')}`, log, concurrency: 2 })
  const feed = createFeed({
    db: dbs.social,
    store,
    queue,
    outbox: createOutbox({ db: dbs.social, table: 'feed_outbox', queue, log }),
    config: { ...ctx.config.feed, fanoutMaxFollowers: THRESHOLD, postRateLimit: { attempts: 1e5, windowSeconds: 60 } },
    accounts: ctx.services.accounts,
    media: ctx.services.media,
    notifications: ctx.services.notifications,
    timelineMaxItems: TIMELINE_ITEMS,
  })
  feedJobs(feed).registerHandlers(queue)
  return { feed, drain: () => queue.drain() }
}

/** mulberry32: the same seed gives the same sequence on every run, so a failure can be replayed. */
function seeded(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, pick: <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]! }
}

async function makeMembers(count: number): Promise<Viewer[]> {
  const rows = await dbs.accounts
    .insertInto('users')
    .values(Array.from({ length: count }, () => {
      const handle = uniqueHandle('prop')
      return { handle, email: `${handle}@example.com`, display_name: handle, password_hash: 'not a real hash' }
    }))
    .returning(['id', 'handle', 'display_name'])
    .execute()
  return rows.map((row) => ({ id: row.id, handle: row.handle, displayName: row.display_name, role: 'member', avatarMediaId: null, emailVerified: true }))
}

/** Every page of a member's hybrid feed, as post ids per page. */
async function hybridPages(feed: Feed, userId: string, between?: () => Promise<void>): Promise<number[][]> {
  const pages: number[][] = []
  let cursor: FeedEntry | null = null
  do {
    const page = await feed.timelines.homePage(userId, cursor, PAGE_SIZE)
    pages.push(page.entries.map((entry) => entry.id))
    cursor = page.next
    if (between) await between()
  } while (cursor)
  return pages
}

/** The same pages, straight from PostgreSQL with plain fan-out on read. */
async function referencePages(feed: Feed, userId: string): Promise<number[][]> {
  const pages: number[][] = []
  let below: FeedEntry | null = null
  for (;;) {
    const rows = await feed.queries.homeFeedFromPostgres(userId, { below, limit: PAGE_SIZE + 1, delivery: 'all' })
    const page = rows.slice(0, PAGE_SIZE)
    pages.push(page.map((entry) => entry.id))
    if (rows.length <= PAGE_SIZE) return pages
    below = page.at(-1)!
  }
}

/**
 * A post dated `at`, fanned out as usual: at the very time of an existing post (ties must order by
 * id on both sides), or long ago, as when a transaction outlives many others.
 */
async function postDated(feed: Feed, author: Viewer, at: Date, drain: () => Promise<void>): Promise<void> {
  const { followers } = (await dbs.social.selectFrom('follow_counts').select('followers').where('user_id', '=', author.id).executeTakeFirst()) ?? { followers: 0 }
  const post = await dbs.social
    .insertInto('posts')
    .values({ author_id: author.id, body: 'dated', in_timelines: followers <= THRESHOLD, created_at: at })
    .returning('id')
    .executeTakeFirstOrThrow()
  await feed.queries.postForFanOut(post.id).then((found) => found && feed.timelines.fanOut(found))
  await drain()
}

describe('the hybrid home feed', () => {
  for (const seed of SEEDS) {
    test(`equals fan-out on read from PostgreSQL, page by page (seed ${seed})`, async () => {
      const random = seeded(seed)
      const { feed, drain } = testFeed()
      const members = await makeMembers(MEMBERS)
      const follows = new Set<string>()
      const myPosts = new Map<string, number[]>()

      const steps: Record<string, () => Promise<void>> = {
        async post() {
          const author = random.pick(members)
          const result = await feed.writePost(author, { body: `post by ${author.handle}`, photos: [], catIds: [] })
          if (!result.ok) throw new Error(JSON.stringify(result.errors))
          myPosts.set(author.id, [...(myPosts.get(author.id) ?? []), result.value.id])
          await drain()
        },
        async sameMillisecond() {
          // This run's posts, picked by the seeded generator: the same seed makes the same ties.
          const posts = await dbs.social.selectFrom('posts').select('created_at').where('author_id', 'in', members.map((m) => m.id)).orderBy('id').execute()
          if (posts.length > 0) await postDated(feed, random.pick(members), random.pick(posts).created_at, drain)
        },
        async longAgo() {
          await postDated(feed, random.pick(members), new Date(Date.now() - 3600_000 * (1 + random.next())), drain)
        },
        async follow() {
          const [a, b] = [random.pick(members), random.pick(members)]
          if (a.id === b.id) return
          await feed.follow(a, b.handle)
          follows.add(`${a.id}>${b.id}`)
        },
        async unfollow() {
          const pair = random.pick([...follows])
          if (!pair) return
          const [a, b] = pair.split('>').map((id) => members.find((member) => member.id === id)!)
          await feed.unfollow(a!, b!.handle)
          follows.delete(pair)
        },
        async deletePost() {
          const author = random.pick(members)
          const posts = myPosts.get(author.id) ?? []
          const postId = random.pick(posts)
          if (postId === undefined) return
          await feed.deletePost(author, postId)
          myPosts.set(author.id, posts.filter((id) => id !== postId))
          await drain()
        },
        async read() {
          // Reading builds (or keeps) a timeline, so later steps maintain it instead of rebuilding.
          await feed.timelines.homePage(random.pick(members).id, null, PAGE_SIZE)
        },
        async evict() {
          await store.del(timelineKey(random.pick(members).id))
        },
      }
      // Weighted: mostly posts, follows and reads, as in life.
      const plan = ['post', 'post', 'post', 'post', 'sameMillisecond', 'longAgo', 'follow', 'follow', 'follow', 'unfollow', 'deletePost', 'read', 'read', 'evict']

      for (let step = 0; step < STEPS; step++) {
        await steps[random.pick(plan)]!()
        if (step % 10 === 9) {
          for (const member of members) {
            expect({ member: member.handle, step, pages: await hybridPages(feed, member.id) }).toEqual({
              member: member.handle,
              step,
              pages: await referencePages(feed, member.id),
            })
          }
        }
      }

      // Posts arriving between page loads change nothing below the cursor: no repeats, no gaps.
      for (const member of members) {
        const before = (await referencePages(feed, member.id)).flat()
        const pages = await hybridPages(feed, member.id, () => steps.post!())
        const seen = pages.flat()
        expect(new Set(seen).size).toBe(seen.length)
        expect(seen).toEqual(before)
      }
    })
  }

  test('pages below the newest merged posts kept near read PostgreSQL, and every page stays exact', async () => {
    const { feed } = testFeed()
    const [star, ...fans] = await makeMembers(THRESHOLD + 2)
    for (const fan of fans) await feed.follow(fan!, star!.handle)
    for (const fan of fans) await feed.timelines.homePage(fan.id, null, PAGE_SIZE)
    // More merged posts than are kept near (64), two to a millisecond.
    const since = Date.now() - 3600_000
    const posts = await dbs.social
      .insertInto('posts')
      .values(Array.from({ length: 80 }, (_, i) => ({ author_id: star!.id, body: `merged ${i}`, in_timelines: false, created_at: new Date(since + Math.floor(i / 2)) })))
      .returning(['id', 'created_at as at'])
      .execute()
    const newest = posts.at(-1)!
    await feed.timelines.fanOut({ id: newest.id, at: newest.at, authorId: star!.id, inTimelines: false })
    for (const fan of fans) {
      const pages = await hybridPages(feed, fan.id)
      expect(pages.flat()).toHaveLength(80)
      expect(pages).toEqual(await referencePages(feed, fan.id))
    }
  })

  test('an author above the threshold is merged at read time and never pushed into timelines', async () => {
    const { feed, drain } = testFeed()
    const [star, ...fans] = await makeMembers(THRESHOLD + 2)
    for (const fan of fans) await feed.follow(fan!, star!.handle)
    for (const fan of fans) await feed.timelines.homePage(fan.id, null, PAGE_SIZE)
    const result = await feed.writePost(star!, { body: 'to my many fans', photos: [], catIds: [] })
    expect(result.ok).toBe(true)
    await drain()
    const postId = result.ok ? result.value.id : 0
    const row = await dbs.social.selectFrom('posts').select('in_timelines').where('id', '=', postId).executeTakeFirstOrThrow()
    expect(row.in_timelines).toBe(false)
    for (const fan of fans) {
      const timeline = await store.zrevrange(timelineKey(fan.id), 100)
      expect(timeline.map((entry) => Number(entry.member))).not.toContain(postId)
      const page = await feed.timelines.homePage(fan.id, null, PAGE_SIZE)
      expect(page.entries.map((entry) => entry.id)).toContain(postId)
    }
  })
})
