import type { Generated, Selectable } from 'kysely'

/** One uploaded photo: what pages need to lay it out before its variants load. See migrations/social/0002_media.ts. */
export interface MediaTable {
  id: Generated<string>
  owner_id: string
  /** The variants live under `m/<content_hash>/` (src/features/media/process.ts). */
  content_hash: string
  /** Displayed size of the upload (after EXIF orientation); variants are this or smaller. */
  width: number
  height: number
  dominant_colour: string
  placeholder: string
  perceptual_hash: string
  alt: string
  created_at: Generated<Date>
}

export interface MediaTables {
  media: MediaTable
}

export type MediaRow = Selectable<MediaTable>
