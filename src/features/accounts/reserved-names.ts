/**
 * Words that are, or may become, our own URLs or roles: no handle or slug may take them
 * (`/@admin` or `/memorials/new` must never belong to a person or a cat).
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'admin', 'administrator', 'api', 'assets', 'edit', 'explore', 'feed', 'finder', 'flyer', 'healthz', 'help',
  'flag', 'login', 'logout', 'media', 'memorials', 'messages', 'metrics', 'moderation', 'moderator', 'new', 'nine_lives', 'ninelives',
  'notifications', 'posts', 'push', 'readyz', 'root', 'search', 'settings', 'signup', 'sightings', 'sitemap',
  'static', 'support', 'system', 'wall',
])
