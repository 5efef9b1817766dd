/** Who is asking: the address rate limits and logs key on. */
import type { Server } from 'bun'

/**
 * The client's address. Behind a load balancer (`TRUST_PROXY`) that is the first address in
 * `X-Forwarded-For`; otherwise the socket's peer, since a client could write any header it likes.
 */
export function clientAddress(request: Request, server: Server<unknown> | null, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return forwarded
  }
  return server?.requestIP(request)?.address ?? 'unknown'
}
