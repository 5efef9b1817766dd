/**
 * `/media/*`: the variants, in embedded mode only (local files). With S3 the browser fetches them
 * from the bucket or its CDN (`MEDIA_PUBLIC_URL`) and this route does not exist.
 */
import { Elysia, NotFoundError } from 'elysia'
import { IMMUTABLE_CACHE_CONTROL, LOCAL_MEDIA_PATH, readLocalMedia, type Blobs } from '@/infra/blobs'

const PREFIX = `${LOCAL_MEDIA_PATH}/`

export function mediaRoutes({ blobs }: { blobs: Blobs }) {
  const routes = new Elysia({ name: 'media' })
  if (blobs.kind !== 'local') return routes
  return routes.get(`${PREFIX}*`, async ({ request, set }) => {
    // The raw path, not Elysia's decoded parameter: a key is plain ASCII, so anything escaped
    // (`%2e%2e`, `%2f`) is not one of ours and readLocalMedia refuses it.
    const key = new URL(request.url).pathname.slice(PREFIX.length)
    const media = await readLocalMedia(blobs, key)
    if (!media) throw new NotFoundError()
    set.headers['content-type'] = media.contentType
    set.headers['cache-control'] = IMMUTABLE_CACHE_CONTROL
    // Also in the security headers; said here too because a wrong sniff of user content is the risk.
    set.headers['x-content-type-options'] = 'nosniff'
    // Local reads come back in a fresh ArrayBuffer of their own (readFile), which is what Response takes.
    return new Response(media.bytes as Uint8Array<ArrayBuffer>)
  })
}
