/**
 * The feed's limits and messages, shared by posts (service.ts), likes and comments (reactions.ts)
 * and follows (follows.ts), so each reads them from one place.
 */
import { refusal, type Refused } from '@/shared/result'

/** The limit: enough for a litter, few enough to keep a post light on a phone. */
export const POST_PHOTOS_MAX = 4

export const FEED_MESSAGES = {
  empty: 'Write something or add a photo.',
  tooLong: (max: number, length: number) => `A post can have at most ${max} characters; this one has ${length}.`,
  tooManyPhotos: `A post can have at most ${POST_PHOTOS_MAX} photos.`,
  noAlt: 'Please describe this photo for people who can’t see it, e.g. “Biscuit asleep in a sunbeam”.',
  choosePhotosAgain: 'Your other photos were fine, but please choose them again.',
  notYourCat: 'You can only tag your own cats.',
  commentEmpty: 'Please write a comment.',
  commentTooLong: (max: number, length: number) => `A comment can have at most ${max} characters; this one has ${length}.`,
  postGone: 'This post has been deleted.',
  notYourPost: 'You can only delete your own posts.',
  notYourComment: 'You can only delete your own comments.',
  followYourself: 'You can’t follow yourself.',
  noSuchHandle: 'Nobody has that handle.',
  commentGone: 'This comment has been deleted.',
} as const

export const POST_GONE: Refused = refusal(404, FEED_MESSAGES.postGone)

/** Text as people count it: a cat emoji is one character, not two UTF-16 units. */
export const characters = (text: string) => [...text].length
