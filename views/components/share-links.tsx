import { Icon } from '@views/components/icon'
import type { IconName } from '@views/components/icon-names'

/**
 * "Share": links that open each service's own share page with the address filled in, and the
 * address to copy. Plain links: no script of theirs on our pages, and nothing needs JavaScript.
 */
export function ShareLinks({ url, text, heading = 'Share' }: { url: string; text: string; heading?: string }): JSX.Element {
  return (
    <section id="share" class="card share" aria-labelledby="share-heading">
      <h2 id="share-heading" safe>
        {heading}
      </h2>
      <ul class="inline-list share-links">
        {shareTargets(url, text).map((target) => (
          <li>
            <a href={target.href} rel="noopener">
              <Icon name={target.icon} />
              <span class="visually-hidden" safe>
                {target.how}
              </span>
              {target.name as 'safe'}
            </a>
          </li>
        ))}
      </ul>
      <p class="share-url">
        <Icon name="link" /> <code safe>{url}</code>
      </p>
    </section>
  )
}

function shareTargets(url: string, text: string): { href: string; icon: IconName; how: string; name: string }[] {
  const [shareUrl, shareText] = [encodeURIComponent(url), encodeURIComponent(text)]
  return [
    { href: `https://wa.me/?text=${shareText}%20${shareUrl}`, icon: 'send', how: 'Share on ', name: 'WhatsApp' },
    { href: `https://www.facebook.com/sharer/sharer.php?u=${shareUrl}`, icon: 'share-2', how: 'Share on ', name: 'Facebook' },
    { href: `https://x.com/intent/post?url=${shareUrl}&text=${shareText}`, icon: 'share-2', how: 'Share on ', name: 'X' },
    { href: `mailto:?subject=${shareText}&body=${shareUrl}`, icon: 'mail', how: 'Share by ', name: 'Email' },
  ]
}
