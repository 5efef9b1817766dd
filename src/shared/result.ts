/**
 * What a service returns for an action that can be refused: `{ ok: true, value }` when it was done,
 * or a refusal, after which nothing has changed. Reads return their data, or null when there is
 * nothing to see. Services never throw to refuse and never render; routes turn a refusal into HTTP:
 * the form again with its messages, or an error page (`refuse` in src/http/errors.ts).
 *
 * @example
 * async comment(viewer, postId, text): Promise<Result<CommentCard, 'body'>> {
 *   if (!text.trim()) return { ok: false, status: 422, errors: { body: 'Please write a comment.' } }
 *   if (!post) return POST_GONE                      // refusal(404, 'This post has been deleted.')
 *   …
 *   return { ok: true, value: comment }
 * }
 */

/** Messages by form field, each shown beside its field. */
export type FieldErrors<F extends string> = Partial<Record<F, string>>

/**
 * Why an action was refused, as the HTTP status its route answers with: 422 something typed is
 * wrong, 413 a file too large or too many, 415 a file that is no image we take, 404 nothing to act
 * on, 403 not the viewer's to do, 409 not possible in the state things are in, 400 a request no
 * page of ours sends (following oneself).
 */
export type RefusalStatus = 400 | 403 | 404 | 409 | 413 | 415 | 422

export interface Refused<F extends string = never> {
  ok: false
  status: RefusalStatus
  /** What is wrong with which field; empty when no field is at fault. */
  errors: FieldErrors<F>
  /** The refusal in a sentence, for the error page, when no field is at fault. */
  message?: string
}

export interface Done<T> {
  ok: true
  value: T
}

/** Done, or refused; `More` is what a feature's refusals carry besides (places to choose from). */
export type Result<T, F extends string = never, More extends object = object> = Done<T> | (Refused<F> & More)

/** A refusal that no field is at fault for, e.g. `refusal(403, 'You can only delete your own posts.')`. */
export function refusal(status: RefusalStatus, message?: string): Refused {
  return message === undefined ? { ok: false, status, errors: {} } : { ok: false, status, errors: {}, message }
}
