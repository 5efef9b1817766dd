/**
 * Demo data for a fresh install: believable members (later issues add posts, reports, memorials).
 * Safe to run twice: existing handles are skipped.
 */
import type { Services } from '@/app'

export const DEMO_PASSWORD = 'nine-lives-demo'

const FIRST_NAMES = ['Amara', 'Ben', 'Chloe', 'Dmitri', 'Elif', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jules', 'Kofi', 'Lena', 'Mateo', 'Noor', 'Otto', 'Priya', 'Quinn', 'Rosa', 'Sami', 'Tess', 'Uma', 'Viktor', 'Wren', 'Xiu', 'Yara', 'Zeno']
const CAT_WORDS = ['whiskers', 'purrs', 'mittens', 'tabby', 'catnap', 'paws', 'meows', 'kitten', 'tuxedo', 'calico']

/** The i-th demo handle: a first name and a cat word, unique for every i. */
export function demoHandle(index: number): string {
  const name = FIRST_NAMES[index % FIRST_NAMES.length]!
  const word = CAT_WORDS[Math.floor(index / FIRST_NAMES.length) % CAT_WORDS.length]!
  const round = Math.floor(index / (FIRST_NAMES.length * CAT_WORDS.length))
  return `${name.toLowerCase()}_${word}${round > 0 ? round : ''}`
}

export async function seedDemoData(services: Pick<Services, 'accounts' | 'notifications'>, { users }: { users: number }): Promise<string> {
  let created = 0
  for (let index = 0; index < users; index++) {
    const handle = demoHandle(index)
    const result = await services.accounts.signUp({ handle, email: `${handle}@demo.ninelives.test`, password: DEMO_PASSWORD })
    if (!result.ok) continue
    created++
    await services.notifications.notify(result.value.id, {
      kind: 'welcome',
      text: 'Welcome to Nine Lives! Add your cats and say hello.',
      url: '/settings',
    })
  }
  return `Added ${created} demo members (${users - created} already there). Sign in as @${demoHandle(0)} with the password "${DEMO_PASSWORD}".`
}
