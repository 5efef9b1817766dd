/**
 * The feed's demo data and benchmark data.
 *
 * - `seedFeedDemo`: cats, follows, posts with photos (drawn here with sharp), likes and comments,
 *   made through the service like people would (fan-out, counters, notifications and all).
 * - `generateFeedBenchmark`: the benchmark's set in set-based SQL (`generate_series`): users in the
 *   accounts domain; follows, posts and likes in the social domain. The two meet only through user
 *   ids derived from the same numbers (`md5('nl-bench-user-' || n)::uuid`), so nothing joins across
 *   databases, and follows follow a power law: a few members have tens of thousands of followers.
 */
import { sql, type Kysely } from 'kysely'
import sharp from 'sharp'
import type { Viewer } from '@/features/accounts/viewer'
import { hashPassword } from '@/features/accounts/passwords'
import type { Feed } from '@/features/feed/service'
import type { AccountsDomain, SocialDomain } from '@/schema'

// --- Demo -----------------------------------------------------------------------------------

const DEMO_CATS = [
  { name: 'Biscuit', breed: 'Moggy', colours: 'ginger and white', birthday: '2019-04-23' },
  { name: 'Mochi', breed: 'British Shorthair', colours: 'blue grey', birthday: '2021-08-02' },
  { name: 'Pepper', breed: '', colours: 'black and white', birthday: '' },
  { name: 'Luna', breed: 'Siamese', colours: 'seal point', birthday: '2017-12-11' },
  { name: 'Tiger', breed: 'Bengal', colours: 'brown spotted', birthday: '2020-06-30' },
  { name: 'Nala', breed: 'Maine Coon', colours: 'tortoiseshell', birthday: '' },
]

const DEMO_POSTS = [
  'Found the only sunbeam in the flat and claimed it.',
  'Vet says healthy and handsome. We knew.',
  'Who needs a cat bed when there is a cardboard box?',
  'Caught mid-stretch. Very serious business.',
  '3 a.m. zoomies report: one plant down, no survivors.',
  'Sunday plans: nap, snack, nap again.',
  'Adopted two years ago today. Best decision ever.',
  'Tried the new scratching post. Preferred the sofa.',
]

const DEMO_COMMENTS = ['So cute!', 'That face 😍', 'Ours does exactly the same.', 'Give them a chin scratch from me.', 'The box is always better.']

/** Background, sunlight and cat colours: soft, warm scenes that tell the photos apart. */
const PALETTES = [
  { sky: ['#f6d365', '#fda085'], floor: '#8d6e63', cat: '#e08e45' },
  { sky: ['#a1c4fd', '#c2e9fb'], floor: '#6d8b74', cat: '#4a4a4a' },
  { sky: ['#fbc2eb', '#a6c1ee'], floor: '#7e6b8f', cat: '#f5f0e6' },
  { sky: ['#d4fc79', '#96e6a1'], floor: '#5d7b4f', cat: '#2b2b2b' },
  { sky: ['#ffecd2', '#fcb69f'], floor: '#a1887f', cat: '#8a8a8a' },
]

/** How many palettes the drawn photos cycle through: a seed's palette is `seed % PALETTE_COUNT`. */
export const PALETTE_COUNT = PALETTES.length

/**
 * A cat sitting on a sill against a soft sky, as a JPEG: drawn as SVG, encoded by sharp. 800 × 600
 * fills the feed column on a phone and keeps seeding quick (each photo becomes nine variants).
 */
export async function demoCatPhoto(seed: number): Promise<Uint8Array> {
  const { sky, floor, cat } = PALETTES[seed % PALETTES.length]!
  const x = ((seed * 137) % 500) - 250
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600" viewBox="0 0 1200 900">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${sky[0]}"/><stop offset="1" stop-color="${sky[1]}"/></linearGradient></defs>
    <rect width="1200" height="900" fill="url(#sky)"/>
    <circle cx="${900 - x}" cy="190" r="95" fill="#fff8dc" opacity="0.75"/>
    <rect y="720" width="1200" height="180" fill="${floor}"/>
    <g transform="translate(${x} 0)" fill="${cat}">
      <path d="M790 690 C 930 690, 940 520, 860 470" stroke="${cat}" stroke-width="36" fill="none" stroke-linecap="round"/>
      <ellipse cx="600" cy="600" rx="200" ry="150"/>
      <circle cx="600" cy="410" r="115"/>
      <path d="M505 350 L520 235 L585 320 Z"/>
      <path d="M695 350 L680 235 L615 320 Z"/>
      <ellipse cx="560" cy="405" rx="16" ry="22" fill="#f7e27c"/>
      <ellipse cx="640" cy="405" rx="16" ry="22" fill="#f7e27c"/>
      <path d="M588 448 L612 448 L600 462 Z" fill="#e79ca0"/>
    </g>
  </svg>`
  return new Uint8Array(await sharp(Buffer.from(svg)).jpeg({ quality: 82 }).toBuffer())
}

/** A member's profile photo: their cat's face close up on a colour of its own, drawn as SVG, encoded by sharp. */
export async function demoPortrait(seed: number): Promise<Uint8Array> {
  const { sky, cat } = PALETTES[seed % PALETTES.length]!
  const eyes = ['#f7e27c', '#8fd0a8', '#9cc7f0'][seed % 3]!
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="320" viewBox="0 0 400 400">
    <rect width="400" height="400" fill="${sky[(seed >> 1) % 2]}"/>
    <g fill="${cat}">
      <path d="M95 170 L110 40 L190 130 Z"/><path d="M305 170 L290 40 L210 130 Z"/>
      <ellipse cx="200" cy="230" rx="150" ry="135"/>
    </g>
    <ellipse cx="145" cy="215" rx="24" ry="32" fill="${eyes}"/><ellipse cx="255" cy="215" rx="24" ry="32" fill="${eyes}"/>
    <ellipse cx="145" cy="218" rx="7" ry="24" fill="#222"/><ellipse cx="255" cy="218" rx="7" ry="24" fill="#222"/>
    <path d="M185 275 L215 275 L200 292 Z" fill="#e79ca0"/>
    <g stroke="#fff" stroke-width="4" opacity="0.7"><path d="M120 290 L40 275"/><path d="M120 300 L40 310"/><path d="M280 290 L360 275"/><path d="M280 300 L360 310"/></g>
  </svg>`
  return new Uint8Array(await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer())
}

/**
 * Cats, follows, posts (every third with a photo or two), likes and comments among the demo
 * members, once: nothing is added when the first member has posted already.
 */
export async function seedFeedDemo(feed: Feed, members: Viewer[]): Promise<number> {
  const [first] = members
  if (!first || members.length < 2 || (await feed.postsBy(first.id, null)).posts.length > 0) return 0
  for (const [i, member] of members.entries()) {
    const cat = DEMO_CATS[i % DEMO_CATS.length]!
    await feed.cats.add(member.id, { ...cat, photo: i % 3 === 0 ? { bytes: await demoCatPhoto(i), alt: `${cat.name}, ${cat.colours}, sitting on a sunny sill` } : null })
    // Each follows the next few: a small, connected neighbourhood.
    for (let step = 1; step <= Math.min(4, members.length - 1); step++) await feed.follow(member, members[(i + step) % members.length]!.handle)
  }
  const postIds: number[] = []
  for (let round = 0; round < 2; round++) {
    for (const [i, member] of members.entries()) {
      const n = round * members.length + i
      const photos = n % 3 === 0 ? await demoPhotos(n, 1 + (n % 2)) : []
      const written = await feed.writePost(member, { body: DEMO_POSTS[n % DEMO_POSTS.length]!, photos, catIds: [] })
      if (written.ok) postIds.push(written.value.id)
    }
  }
  for (const [n, postId] of postIds.entries()) {
    for (let k = 1; k <= n % 5; k++) await feed.like(members[(n + k) % members.length]!, postId)
    if (n % 3 === 0) await feed.comment(members[(n + 1) % members.length]!, postId, DEMO_COMMENTS[n % DEMO_COMMENTS.length]!)
  }
  await feed.trending.refresh()
  return postIds.length
}

async function demoPhotos(seed: number, count: number) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => ({ bytes: await demoCatPhoto(seed + i), alt: 'A cat sitting on a sunny windowsill', slot: i + 1 })),
  )
}

// --- Benchmark ------------------------------------------------------------------------------

export const BENCH_PASSWORD = 'nine-lives-bench'

/** `bench_<n>`: every generated member's handle; sign in as any of them with BENCH_PASSWORD. */
export const benchHandle = (n: number) => `bench_${n}`

export interface FeedBenchmarkSize {
  users: number
  posts: number
  follows: number
}

/** The issue's data set. Likes come on top: about a million, on the last 14 days' posts, so trending has something to rank. */
export const FEED_BENCHMARK_SIZE: FeedBenchmarkSize = { users: 100_000, posts: 1_000_000, follows: 5_000_000 }

/** Rows per INSERT: big enough to be set-based, small enough to keep each transaction's WAL in check. */
const BENCH_BATCH = 500_000
/** Posts spread over this many days, so the trending window (7 days) holds about 8 % of them. */
const BENCH_DAYS = 90
/**
 * Followee of the k-th follow: floor(users × random()³) makes a power law, as in any social network:
 * the top members get tens of thousands of followers (above FEED_FANOUT_MAX_FOLLOWERS, so the
 * read-time merge is exercised), the median a few dozen.
 */
const POPULARITY_EXPONENT = 3

/** The SQL for the n-th generated member's id, in either database. */
const benchUserId = (n: unknown) => sql`md5('nl-bench-user-' || ${n})::uuid`

/**
 * Generates the benchmark data set; returns the seconds each part took. Meant for an empty
 * database: run it once (it refuses if bench_1 exists).
 */
export async function generateFeedBenchmark(
  dbs: { accounts: Kysely<AccountsDomain>; social: Kysely<SocialDomain> },
  size: FeedBenchmarkSize = FEED_BENCHMARK_SIZE,
  progress: (step: string) => void = () => {},
): Promise<Record<string, number>> {
  const taken = await dbs.accounts.selectFrom('users').select('id').where('handle', '=', benchHandle(1)).executeTakeFirst()
  if (taken) throw new Error('The benchmark data set is already there (bench_1 exists).')
  const timings: Record<string, number> = {}
  const timed = async (step: string, work: () => Promise<unknown>) => {
    progress(step)
    const startedAt = performance.now()
    await work()
    timings[step] = Math.round((performance.now() - startedAt) / 100) / 10
  }
  // One argon2 hash for all: every bench member signs in with BENCH_PASSWORD.
  const passwordHash = await hashPassword(BENCH_PASSWORD)

  await timed('users', () =>
    batches(size.users, (from, to) =>
      sql`
        insert into users (id, handle, email, display_name, password_hash, bio)
        select ${benchUserId(sql`g`)}, 'bench_' || g, 'bench_' || g || '@bench.ninelives.test', 'Bench member ' || g, ${passwordHash},
               'Generated for the benchmark.'
        from generate_series(${from}::int, ${to}::int) g
      `.execute(dbs.accounts),
    ),
  )
  await timed('follows', async () => {
    // Popular members are drawn twice now and then; the repeats are dropped, so draw until there are enough.
    for (let drawn = 0, have = 0; have < size.follows; ) {
      await batches(size.follows - have, (from, to) =>
        sql`
          insert into follows (follower_id, followee_id, created_at)
          select follower_id, followee_id, now() - random() * interval '365 days'
          from (
            select ${benchUserId(sql`1 + (g % ${size.users})`)} as follower_id,
                   ${benchUserId(sql`1 + floor(${size.users} * power(random(), ${POPULARITY_EXPONENT}))::int`)} as followee_id
            from generate_series(${drawn + from}::int, ${drawn + to}::int) g
          ) drawn
          where follower_id <> followee_id
          on conflict do nothing
        `.execute(dbs.social),
      )
      drawn += size.follows - have
      have = Number((await sql<{ n: number }>`select count(*)::int as n from follows`.execute(dbs.social)).rows[0]!.n)
    }
  })
  await timed('follow counts', async () => {
    await sql`
      insert into follow_counts (user_id, followers, following)
      select user_id, sum(followers), sum(following) from (
        select followee_id as user_id, count(*) as followers, 0 as following from follows group by followee_id
        union all
        select follower_id, 0, count(*) from follows group by follower_id
      ) counts
      group by user_id
      on conflict (user_id) do update set followers = excluded.followers, following = excluded.following
    `.execute(dbs.social)
  })
  await timed('posts', () =>
    batches(size.posts, (from, to) =>
      sql`
        insert into posts (author_id, body, in_timelines, created_at)
        select a.author_id,
               (array['Sunbeam report.','Box acquired.','Zoomies at 3 a.m.','Nap number four.','New toy, old favourite.','Caught mid-yawn.'])[1 + g % 6]
                 || ' #' || g,
               coalesce(c.followers, 0) <= ${FANOUT_THRESHOLD_AT_GENERATION},
               now() - random() * ${BENCH_DAYS} * interval '1 day'
        from generate_series(${from}::int, ${to}::int) g
        cross join lateral (select ${benchUserId(sql`1 + (g::bigint * 7919) % ${size.users}`)} as author_id) a
        left join follow_counts c on c.user_id = a.author_id
      `.execute(dbs.social),
    ),
  )
  await timed('likes', async () => {
    // Each recent post gets 0–31 likes, most few and some many (random()⁴): ~1 M in all.
    await sql`
      insert into likes (post_id, user_id, created_at)
      select p.id, ${benchUserId(sql`1 + (p.id * 31 + k * 7919) % ${size.users}`)}, p.created_at + k * interval '1 minute'
      from posts p
      cross join lateral generate_series(1, floor(power(random() + 0 * p.id, 4) * ${LIKES_PER_RECENT_POST})::int) k
      where p.created_at > now() - interval '14 days'
      on conflict do nothing
    `.execute(dbs.social)
    await sql`update posts set like_count = l.n from (select post_id, count(*) as n from likes group by post_id) l where posts.id = l.post_id`.execute(dbs.social)
  })
  await timed('analyze', async () => {
    await sql`analyze users`.execute(dbs.accounts)
    for (const table of ['follows', 'follow_counts', 'posts', 'likes']) await sql`analyze ${sql.table(table)}`.execute(dbs.social)
    await sql`refresh materialized view trending_posts`.execute(dbs.social)
  })
  return timings
}

/** The most likes a generated post gets; the average is a fifth of it. */
const LIKES_PER_RECENT_POST = 32

/** The generator decides `in_timelines` as posting would with the default FEED_FANOUT_MAX_FOLLOWERS. */
const FANOUT_THRESHOLD_AT_GENERATION = 10_000

async function batches(total: number, insert: (from: number, to: number) => Promise<unknown>): Promise<void> {
  for (let from = 1; from <= total; from += BENCH_BATCH) await insert(from, Math.min(total, from + BENCH_BATCH - 1))
}
