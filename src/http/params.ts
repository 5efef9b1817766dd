/** Ids in paths: one that is not an id names nothing, so the answer is a 404 before any query. */
import { HttpError } from '@/http/errors'
import { integerId } from '@/shared/ids'

/** The integer id in a path (`/posts/:id`), or a 404. */
export function integerIdParam(raw: string): number {
  const id = integerId(raw)
  if (id === null) throw new HttpError(404)
  return id
}
