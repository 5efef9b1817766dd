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
import { CHANGED_MARK, markChanged, NEAR_RECORD_PREFIX, type Store } from '@/infra/store/store'
import { boundedMap } from '@/shared/bounded-map'

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

/**
 * Parsed records by key, for as long as their near copy is the same string: a page reads the same
 * twenty records as the last page did, and parsing each anew was a few percent of its CPU. A few
 * MB per kind of record at most; the least recently read go first.
 */
const PARSED_KEPT = 40_000

export function nearRecords<Id extends string | number, Record>({
  store,
  name,
  ttlSeconds,
  load,
  idOf,
  revive = (json) => JSON.parse(json) as Record,
}: NearRecordsOptions<Id, Record>) {
  const keyOf = (id: Id) => `${NEAR_RECORD_PREFIX}${name}:${id}`
  const parsed = boundedMap<Id, { json: string; record: Readonly<Record> }>(PARSED_KEPT)

  /** The record kept as `json`: parsed once while the copy stays the same. */
  function recordOf(id: Id, json: string): Readonly<Record> {
    const known = parsed.get(id)
    if (known?.json === json) return known.record
    const record = revive(json)
    parsed.set(id, { json, record })
    return record
  }

  return {
    /** The records among `ids`; shared between readers, so never to be changed. */
    async byIds(ids: readonly Id[]): Promise<Map<Id, Readonly<Record>>> {
      const found = new Map<Id, Readonly<Record>>()
      const missing: Id[] = []
      const keptFar: Id[] = []
      const take = (id: Id, json: string | null) => {
        if (json && json !== CHANGED_MARK) found.set(id, recordOf(id, json))
        else missing.push(id)
      }
      // Copies held in this process first, without a promise each; then one batch for the rest.
      for (const id of new Set(ids)) {
        const json = store.peekNear(keyOf(id))
        if (json === undefined) keptFar.push(id)
        else take(id, json)
      }
      if (keptFar.length > 0) {
        const kept = await Promise.all(keptFar.map((id) => store.getNear(keyOf(id))))
        keptFar.forEach((id, i) => take(id, kept[i]!))
      }
      if (missing.length === 0) return found
      const loaded = await load(missing)
      await Promise.all(loaded.map((record) => store.setIfAbsent(keyOf(idOf(record)), JSON.stringify(record), ttlSeconds)))
      for (const record of loaded) found.set(idOf(record), record)
      return found
    },

    /** After a write to these records: readers go to the source until they keep them anew. */
    changed: (ids: readonly Id[]) => markChanged(store, ids.map(keyOf), ttlSeconds),
  }
}

export type NearRecords<Id extends string | number, Record> = ReturnType<typeof nearRecords<Id, Record>>
