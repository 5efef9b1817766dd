/**
 * Tributes: short messages members leave on a memorial. The owner chooses whether they show at once
 * or after approval, and may hide any; anyone may flag one, and enough members' flags take it off
 * the page until the owner looks at it again. Flags from signed-out visitors are only counted: their
 * key changes every day and with every address, so a few could otherwise hide any kind word.
 */
import type { Kysely } from 'kysely'
import type { Viewer } from '@/features/accounts/viewer'
import type { Memorial } from '@/features/memorials/service'
import type { Notifications } from '@/features/notifications/service'
import type { TributeRow, TributeStatus } from '@/features/memorials/tables'
import { MEMBER_KEY_PREFIX } from '@/features/memorials/visitors'
import type { MemorialsDomain } from '@/schema'
import { refusal, type Result } from '@/shared/result'
import { textProblem } from '@/shared/text'

/** A few warm sentences; a longer letter belongs in the owner's story. */
export const TRIBUTE_MAX = 1000
/** The newest this many show on a page: a page must stay small on a phone however loved the cat. */
export const TRIBUTES_ON_PAGE = 100
/**
 * Distinct members' flags that take a shown tribute off the page until the owner shows it again: one
 * person can't silence a kind word, a few can hide an unkind one before the owner is even awake.
 */
export const FLAGS_TO_HOLD = 3

/** Who flags: the visitor's key (src/features/memorials/visitors.ts), and the member's id if signed in. */
export interface Flagger {
  key: string
  memberId: string | null
}

export type TributeField = 'body'

export const TRIBUTE_MESSAGES = {
  empty: 'Please write a few words.',
  tooLong: (length: number) => `A tribute can have at most ${TRIBUTE_MAX} characters; this one has ${length}.`,
  ownFlag: 'This is your own tribute, so you cannot flag it. The memorial’s owner can hide it if it should go.',
} as const

/** A tribute as pages show it. */
export interface Tribute {
  id: number
  authorHandle: string
  authorName: string
  body: string
  status: TributeStatus
  flagCount: number
  createdAt: Date
}

export function createTributes({ db, notifications }: { db: Kysely<MemorialsDomain>; notifications: Notifications }) {
  /** Tells the owner, unless they wrote it: they may be waited on. */
  async function tellOwner(memorial: Memorial, author: Viewer, tribute: Tribute): Promise<void> {
    if (author.id === memorial.ownerId) return
    const waiting = tribute.status === 'waiting'
    await notifications.notify(memorial.ownerId, {
      kind: 'memorial.tribute',
      text: `${author.displayName} left a tribute for ${memorial.name}${waiting ? '. It is waiting for you to read it.' : '.'}`,
      url: waiting ? `/memorials/${memorial.slug}/tributes` : `/memorials/${memorial.slug}#tributes`,
    })
  }

  return {
    /** Leaves a tribute, shown at once or waiting for the owner's approval as the memorial asks. */
    async leaveTribute(author: Viewer, memorial: Memorial, text: string): Promise<Result<Tribute, TributeField>> {
      const body = text.trim()
      const length = [...body].length
      const refused = textProblem(body, 'lines')
      if (refused) return { ok: false, status: 422, errors: { body: refused } }
      if (length === 0) return { ok: false, status: 422, errors: { body: TRIBUTE_MESSAGES.empty } }
      if (length > TRIBUTE_MAX) return { ok: false, status: 422, errors: { body: TRIBUTE_MESSAGES.tooLong(length) } }
      const row = await db
        .insertInto('tributes')
        .values({
          memorial_id: memorial.id,
          author_id: author.id,
          author_handle: author.handle,
          author_name: author.displayName,
          body,
          status: memorial.tributesNeedApproval ? 'waiting' : 'shown',
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      const tribute = tributeOf(row)
      await tellOwner(memorial, author, tribute)
      return { ok: true, value: tribute }
    },

    /** Who wrote a tribute and on which memorial, or null when there is no such tribute (for a flag). */
    async tributeOf(tributeId: number): Promise<{ memorialId: string; authorId: string } | null> {
      if (!Number.isSafeInteger(tributeId)) return null
      const row = await db.selectFrom('tributes').select(['memorial_id', 'author_id']).where('id', '=', tributeId).executeTakeFirst()
      return row ? { memorialId: row.memorial_id, authorId: row.author_id } : null
    },

    /** The tributes a page shows, newest first. */
    async shownTributes(memorialId: string): Promise<Tribute[]> {
      const rows = await db
        .selectFrom('tributes')
        .selectAll()
        .where('memorial_id', '=', memorialId)
        .where('status', '=', 'shown')
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(TRIBUTES_ON_PAGE)
        .execute()
      return rows.map(tributeOf)
    },

    /** Every tribute of a memorial for its owner: waiting ones first, then newest first. */
    async tributesForOwner(memorialId: string): Promise<Tribute[]> {
      const rows = await db
        .selectFrom('tributes')
        .selectAll()
        .where('memorial_id', '=', memorialId)
        .orderBy((eb) => eb.case().when('status', '=', 'waiting').then(0).else(1).end())
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute()
      return rows.map(tributeOf)
    },

    async waitingCount(memorialId: string): Promise<number> {
      const row = await db
        .selectFrom('tributes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('memorial_id', '=', memorialId)
        .where('status', '=', 'waiting')
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },

    /**
     * Shows or hides one tribute of the memorial (the route has checked the owner). Returns the
     * status it had, or null when the memorial has no such tribute.
     */
    async setTributeStatus(memorialId: string, tributeId: number, status: 'shown' | 'hidden'): Promise<TributeStatus | null> {
      const row = await db
        .updateTable('tributes as t')
        .from(db.selectFrom('tributes').select(['id', 'status']).where('id', '=', tributeId).where('memorial_id', '=', memorialId).forUpdate().as('before'))
        .set({ status })
        .whereRef('t.id', '=', 'before.id')
        .returning('before.status as previous')
        .executeTakeFirst()
      return row?.previous ?? null
    },

    /**
     * Records one visitor's flag on a tribute (again from the same visitor: nothing new), counted for
     * the owner. Members' flags, FLAGS_TO_HOLD of them, take a shown tribute off the page; visitors'
     * never do. Returns whether this flag did, a refusal for the author's own tribute, or null when
     * there is no such tribute.
     */
    async flagTribute(memorialId: string, tributeId: number, flagger: Flagger): Promise<Result<{ held: boolean }> | null> {
      return db.transaction().execute(async (trx) => {
        const tribute = await trx
          .selectFrom('tributes')
          .select(['id', 'status', 'flag_count', 'author_id'])
          .where('id', '=', tributeId)
          .where('memorial_id', '=', memorialId)
          .forUpdate()
          .executeTakeFirst()
        if (!tribute) return null
        if (flagger.memberId === tribute.author_id) return refusal(403, TRIBUTE_MESSAGES.ownFlag)
        const added = await trx
          .insertInto('tribute_flags')
          .values({ tribute_id: tributeId, flagger_key: flagger.key })
          .onConflict((oc) => oc.doNothing())
          .returning('tribute_id')
          .executeTakeFirst()
        if (!added) return { ok: true, value: { held: false } }
        const memberFlags = flagger.memberId
          ? await trx
              .selectFrom('tribute_flags')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .where('tribute_id', '=', tributeId)
              .where('flagger_key', 'like', `${MEMBER_KEY_PREFIX}%`)
              .executeTakeFirstOrThrow()
          : null
        const held = tribute.status === 'shown' && Number(memberFlags?.n ?? 0) >= FLAGS_TO_HOLD
        await trx
          .updateTable('tributes')
          .set({ flag_count: tribute.flag_count + 1, ...(held && { status: 'waiting' as const }) })
          .where('id', '=', tributeId)
          .execute()
        return { ok: true, value: { held } }
      })
    },
  }
}

export type Tributes = ReturnType<typeof createTributes>

function tributeOf(row: TributeRow): Tribute {
  return {
    id: Number(row.id),
    authorHandle: row.author_handle,
    authorName: row.author_name,
    body: row.body,
    status: row.status,
    flagCount: row.flag_count,
    createdAt: row.created_at,
  }
}
