import type { MediaPicture, PictureSource } from '@/features/media/service'

// KitaJS's element types lack `sizes` on <img> and <source> (HTML has had it since 2014).
declare global {
  namespace JSX {
    interface HtmlImageTag {
      sizes?: undefined | string
    }
    interface HtmlSourceTag {
      sizes?: undefined | string
    }
  }
}

export interface PictureProps {
  picture: MediaPicture
  /**
   * How wide the photo is shown, for the browser to choose a variant before layout:
   * `"96px"` for an avatar, `"(min-width: 42rem) 40rem, 100vw"` for a photo across the column.
   */
  sizes: string
  /** The page's main image: fetched first and at once (`fetchpriority="high"`), not lazily. */
  priority?: boolean
  /** Extra classes on the wrapper, which sets the shown size (e.g. `avatar`). */
  class?: string
  /** Overrides the stored description: `""` where the photo only repeats text beside it. */
  alt?: string
}

/**
 * One photo: AVIF and WebP `srcset`s, a JPEG fallback, `width`/`height` so the box is reserved
 * before anything loads, and the tiny blurred placeholder under it until it paints.
 *
 * The CSP allows no inline styles, so the placeholder can't be a per-photo `background-image`.
 * Instead it is its own `<img>` (a data URI of ~160 characters), stretched by static/app.css over
 * the same box, under the photo: the photo's `<img>` is transparent until it paints, and every
 * variant is opaque (flattened onto white), so once it paints the placeholder is hidden. It works
 * with JavaScript off and costs no request.
 *
 * @example
 * <Picture picture={pictures.get(post.mediaId)!} sizes="(min-width: 42rem) 40rem, 100vw" priority />
 */
export function Picture({ picture, sizes, priority = false, class: extra, alt }: PictureProps): JSX.Element {
  return (
    <span class={extra ? `picture ${extra}` : 'picture'}>
      <img class="picture-placeholder" src={picture.placeholder} alt="" aria-hidden="true" width={picture.width} height={picture.height} />
      <picture>
        <source type="image/avif" srcset={srcset(picture.sources.avif)} sizes={sizes} />
        <source type="image/webp" srcset={srcset(picture.sources.webp)} sizes={sizes} />
        <img
          src={picture.fallback.url}
          srcset={srcset(picture.sources.jpeg)}
          sizes={sizes}
          width={picture.width}
          height={picture.height}
          alt={alt ?? picture.alt}
          loading={priority ? 'eager' : 'lazy'}
          decoding={priority ? 'auto' : 'async'}
          fetchpriority={priority ? 'high' : undefined}
        />
      </picture>
    </span>
  )
}

function srcset(sources: readonly PictureSource[]): string {
  return sources.map((source) => `${source.url} ${source.width}w`).join(', ')
}
