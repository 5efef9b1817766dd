import { assetUrl } from '@/http/assets'

/** What the service worker shows for a page it can't fetch and hasn't kept (static/sw.js). */
export function OfflinePage(): JSX.Element {
  return (
    <section class="offline">
      <h1>You are offline</h1>
      <p>This page needs a connection, and there isn’t one right now. It will work again as soon as you are back online.</p>
      <p>Memorial pages you have opened on this device stay readable without a connection.</p>
      <h2 id="offline-memorials-heading" hidden>
        Memorials kept on this device
      </h2>
      <ul id="offline-memorials" class="list" aria-labelledby="offline-memorials-heading" hidden></ul>
      <script src={assetUrl('offline-list.js')} defer></script>
    </section>
  )
}
