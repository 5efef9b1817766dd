/**
 * Records read on many pages (a post's text and counts, an author, a photo), kept as near copies
 * (src/infra/store/near-cache.ts) for a while and loaded in one batch for the ids no copy has.
 * A write to a record calls `changed`, which marks its key (`markChanged`): readers go to the source
 * until they keep it anew, and a reader that loaded the old record just before the write cannot put
 * it back (`setIfAbsent` refuses the mark).
 *
 * @example
 * const posts = nearRecords({ store, name: 'feed:post', ttlSeconds: 60, load: postsFromPostgres, idOf: (post) => post.id })
 * const found = await posts.byIds([41, 42])   // Map: id → record; ids the source doesn't have are absent
 * await posts.changed([42])                    // after the like is committed
 */
import { CHANGED_MARK, markChanged, NEAR_RECORD_PREFIX, orUnavailable, type Store } from '@/infra/store/store'
import { cacheCounter } from '@/infra/metrics'

export interface NearRecordsOptions<Id extends string | number, Record> {
  store: Store
  /** Names the records in their keys, e.g. `feed:post` → `near:record:feed:post:<id>`. */
  name: string
  ttlSeconds: number
  /** The records among `ids` that exist, from their source, in one batch. */
  load: (ids: Id[]) => Promise<Record[]>
  idOf: (record: Record) => Id
  /** Turns a kept record back from JSON (dates come back as strings); the parsed JSON by default. */
  revive?: (json: string) => Record
}

export function nearRecords<Id extends string | number, Record>({
  store,
  name,
  ttlSeconds,
  load,
  idOf,
  // Cast: JSON.parse is untyped; by default the store holds what load() returned, as JSON.
  revive = (json) => JSON.parse(json) as Record,
}: NearRecordsOptions<Id, Record>) {
  const keyOf = (id: Id) => `${NEAR_RECORD_PREFIX}${name}:${id}`
  /** A kept value as a record, or null for a change mark (read the source). */
  const parse = (json: string): Readonly<Record> | null => (json === CHANGED_MARK ? null : revive(json))
  const counted = cacheCounter(`record:${name}`)

  return {
    /** The records among `ids`; shared between readers, so never to be changed. */
    async byIds(ids: readonly Id[]): Promise<Map<Id, Readonly<Record>>> {
      const found = new Map<Id, Readonly<Record>>()
      const missing: Id[] = []
      const keptFar: Id[] = []
      const take = (id: Id, record: Readonly<Record> | null) => {
        if (record) found.set(id, record)
        else missing.push(id)
      }
      // Copies held in this process first, parsed once per copy and without a promise each; then
      // one batch for the rest.
      for (const id of new Set(ids)) {
        const record = store.peekNear(keyOf(id), parse)
        if (record === undefined) keptFar.push(id)
        else take(id, record)
      }
      if (keptFar.length > 0) {
        // While the store is away every record comes from its source, and none is kept.
        const kept = await orUnavailable(Promise.all(keptFar.map((id) => store.getNear(keyOf(id)))), null)
        keptFar.forEach((id, i) => take(id, kept?.[i] ? parse(kept[i]) : null))
      }
      counted(true, found.size)
      counted(false, missing.length)
      if (missing.length === 0) return found
      const loaded = await load(missing)
      const keep = (record: Record) => orUnavailable(store.setIfAbsent(keyOf(idOf(record)), JSON.stringify(record), ttlSeconds), false)
      await Promise.all(loaded.map(keep))
      for (const record of loaded) found.set(idOf(record), record)
      return found
    },

    /** After a write to these records: readers go to the source until they keep them anew. */
    changed: (ids: readonly Id[]) => markChanged(store, ids.map(keyOf), ttlSeconds),
  }
}

export type NearRecords<Id extends string | number, Record> = ReturnType<typeof nearRecords<Id, Record>>
