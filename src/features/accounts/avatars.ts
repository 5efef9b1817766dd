/**
 * Profile photos. The accounts feature keeps only the media id in `users.avatar_media_id`; the media
 * feature owns the photo, its objects and its URLs.
 *
 * @example
 * const result = await avatars.replace(viewer.id, { bytes, alt })
 * const picture = await avatars.pictureOf(viewer.avatarMediaId)   // for <Picture>, or null
 */
import type { Kysely } from 'kysely'
import type { Media, MediaPicture, UploadInput, UploadResult } from '@/features/media/service'
import type { AccountsDomain } from '@/schema'

export interface AvatarDeps {
  db: Kysely<AccountsDomain>
  media: Media
  /** Removes photos no longer shown (the replaced avatar) after the response: a queued `media.remove`. */
  discard: (mediaIds: string[], ownerId: string) => Promise<void>
}

export function createAvatars({ db, media, discard }: AvatarDeps) {
  /** Points the user at a new photo and returns the id it replaced (read in the same statement). */
  async function swapAvatar(userId: string, mediaId: string): Promise<string | null> {
    const row = await db
      .updateTable('users as u')
      .from(
        // FOR UPDATE: two replacements at once each see the other's photo as "previous", so neither leaks.
        db.selectFrom('users').select(['id', 'avatar_media_id']).where('id', '=', userId).forUpdate().as('previous'),
      )
      .set({ avatar_media_id: mediaId })
      .whereRef('u.id', '=', 'previous.id')
      .returning('previous.avatar_media_id as previousId')
      .executeTakeFirst()
    if (!row) throw new Error(`no user ${userId} to give a profile photo`)
    return row.previousId
  }

  return {
    /**
     * Uploads a new profile photo and makes it the user's, then queues the removal of the one it
     * replaces (its objects too, unless another photo shares them): the member need not wait for the
     * clean-up. If the user can't be updated, the new photo is removed at once: nothing is left half-done.
     */
    async replace(userId: string, input: UploadInput): Promise<UploadResult> {
      const result = await media.upload(userId, input)
      if (!result.ok) return result
      let previousId: string | null
      try {
        previousId = await swapAvatar(userId, result.value.id)
      } catch (error) {
        await media.remove([result.value.id], userId)
        throw error
      }
      if (previousId && previousId !== result.value.id) await discard([previousId], userId)
      return result
    },

    /** The picture of an avatar media id (a Viewer's `avatarMediaId`), or null when there is none. */
    async pictureOf(mediaId: string | null): Promise<MediaPicture | null> {
      if (!mediaId) return null
      return (await media.urlsFor([mediaId])).get(mediaId) ?? null
    },
  }
}

export type Avatars = ReturnType<typeof createAvatars>
