/**
 * Which URLs the push sender may post to. A subscription's endpoint comes from the browser, so from
 * whoever controls it: without this check the sender would post to any address we can reach
 * (SSRF: the metadata service, an admin port on localhost). Only push service hosts from
 * PUSH_SERVICE_HOSTS pass, and only over https in production.
 */
import type { PushConfig } from '@/config'
import type { Result } from '@/shared/result'

/** The endpoint's URL, or why it may not be pushed to (a message about the subscription). */
export type EndpointCheck = Result<URL, 'subscription'>

/** Longest endpoint we keep; real ones are under 600 characters (FCM's are ~190, Apple's ~150). */
export const ENDPOINT_MAX = 2048

/**
 * Whether an endpoint may be pushed to.
 *
 * @example checkEndpoint('https://fcm.googleapis.com/fcm/send/abc', { serviceHosts: ['fcm.googleapis.com'], production: true }) // ok
 */
export function checkEndpoint(raw: string, { serviceHosts, production }: { serviceHosts: PushConfig['serviceHosts']; production: boolean }): EndpointCheck {
  if (raw.length > ENDPOINT_MAX) return cannotPush(`The push endpoint is longer than ${ENDPOINT_MAX} characters.`)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return cannotPush('The push endpoint is not a URL.')
  }
  // web-push speaks https whatever the scheme says; outside production a test push service may still say http.
  const schemes = production ? ['https:'] : ['https:', 'http:']
  if (!schemes.includes(url.protocol)) return cannotPush('The push endpoint must be an https URL.')
  if (url.username || url.password) return cannotPush('The push endpoint must not carry a user name or password.')
  if (!isPushServiceHost(url.hostname, serviceHosts)) {
    return cannotPush(`Push notifications can only go through a browser's push service; ${url.hostname} is not one we know.`)
  }
  return { ok: true, value: url }
}

function cannotPush(message: string): EndpointCheck {
  return { ok: false, status: 422, errors: { subscription: message } }
}

/** `host` is on the list as is, or under a `*.` entry (`*.push.apple.com` takes `web.push.apple.com`). */
export function isPushServiceHost(host: string, serviceHosts: readonly string[]): boolean {
  const name = host.toLowerCase()
  return serviceHosts.some((entry) => (entry.startsWith('*.') ? name.endsWith(entry.slice(1)) && name.length > entry.length - 1 : name === entry))
}
