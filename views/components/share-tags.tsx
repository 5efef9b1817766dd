/** An image for link previews and JSON-LD: an absolute URL with its size and description. */
export interface ShareImage {
  url: string
  width: number
  height: number
  alt: string
}

export interface ShareTagsProps {
  title: string
  description: string
  /** The page's canonical, absolute URL. */
  url: string
  image: ShareImage | null
}

/** Open Graph and Twitter card tags: how a shared link to a public page previews. */
export function ShareTags({ title, description, url, image }: ShareTagsProps): JSX.Element {
  return (
    <>
      <meta property="og:type" content="article" />
      <meta property="og:site_name" content="Nine Lives" />
      <meta property="og:title" content={title} />
      <meta property="og:description" content={description} />
      <meta property="og:url" content={url} />
      {image ? (
        <>
          <meta property="og:image" content={image.url} />
          <meta property="og:image:width" content={String(image.width)} />
          <meta property="og:image:height" content={String(image.height)} />
          <meta property="og:image:alt" content={image.alt} />
          <meta name="twitter:image" content={image.url} />
          <meta name="twitter:image:alt" content={image.alt} />
        </>
      ) : (
        ''
      )}
      <meta name="twitter:card" content={image ? 'summary_large_image' : 'summary'} />
      <meta name="twitter:title" content={title} />
      <meta name="twitter:description" content={description} />
    </>
  )
}
