/**
 * Demo data for a fresh install: believable members (later issues add posts, reports, memorials).
 * Safe to run twice: existing handles are skipped.
 */
import type { Services } from '@/services'
import type { Viewer } from '@/features/accounts/viewer'
import { demoPortrait, seedFeedDemo } from '@/features/feed/demo'
import { seedFinderDemo } from '@/features/finder/demo'
import { seedMemorialsDemo } from '@/features/memorials/demo'

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

/** Who the demo members are: a name and a line about them and their cats, in many accents. */
const PEOPLE = [
  ['Amara Okafor', 'Two rescue tabbies and a windowsill garden they keep trimming for me.'],
  ['Ben Whitfield', 'Night-shift nurse. Pepper waits up; Biscuit does not.'],
  ['Chloe Martin', 'Foster mum to whoever the shelter sends. Currently: three kittens and a grumpy senior.'],
  ['Dmitri Volkov', 'Photographer. My best model refuses to sign a release.'],
  ['Elif Yıldız', 'Istanbul to Berlin, with a street cat who came along and never looked back.'],
  ['Farah Haddad', 'Vet student. Ask me about hairballs, or better, don’t.'],
  ['Gus Andersen', 'Retired postman. The neighbourhood cats still know my route.'],
  ['Hana Sato', 'Mochi’s assistant. Snacks on request, which is always.'],
  ['Ivo Novak', 'Bike mechanic; Luna supervises from the toolbox.'],
  ['Jules Moreau', 'Teacher, baker, cat bed.'],
  ['Kofi Mensah', 'Helping find lost cats in Brooklyn since the day mine came home.'],
  ['Lena Fischer', 'Kreuzberg. One black cat, one very patient dog.'],
  ['Mateo García', 'Two Maine Coons, one small flat, no regrets.'],
  ['Noor Rahman', 'Architect. Designs cat shelves for friends, ends up with their cats.'],
  ['Otto Lindqvist', 'Grandfather of four, owner of none: the cat owns the house.'],
  ['Priya Nair', 'Camden. Volunteer at the cat café on Saturdays.'],
  ['Quinn Gallagher', 'Barista. Latte art, but only cats.'],
  ['Rosa Bianchi', 'Tiger is sixteen and still the boss of the street.'],
  ['Sami Laine', 'Software tester by day; Nala tests the keyboard by night.'],
  ['Tess O’Brien', 'Allotment, tea and a ginger shadow.'],
  ['Uma Patel', 'Adopted a one-eyed tom called Pirate. He sees everything.'],
  ['Viktor Horvat', 'Cellist. Pepper sings along, badly.'],
  ['Wren Taylor', 'Wildlife carer; the cat is strictly an indoor supervisor.'],
  ['Xiu Chen', 'Two Siamese who talk more than I do.'],
  ['Yara Costa', 'Walks the neighbourhood every evening looking out for lost pets.'],
  ['Zeno Russo', 'Still looking for the owner of the grey cat who visits my balcony.'],
] as const

export async function seedDemoData(services: Pick<Services, 'accounts' | 'avatars' | 'notifications' | 'finder' | 'feed' | 'memorials'>, { users }: { users: number }): Promise<string> {
  let created = 0
  for (let index = 0; index < users; index++) {
    const handle = demoHandle(index)
    const result = await services.accounts.signUp({ handle, email: `${handle}@demo.ninelives.test`, password: DEMO_PASSWORD }, { verified: true })
    if (!result.ok) continue
    created++
    const [name, bio] = PEOPLE[index % PEOPLE.length]!
    const round = Math.floor(index / PEOPLE.length)
    await services.accounts.updateProfile(result.value.id, { displayName: round > 0 ? `${name} ${round + 1}` : name, bio })
    await services.avatars.replace(result.value.id, { bytes: await demoPortrait(index), alt: `${name.split(' ')[0]}’s cat, drawn` })
    await services.notifications.notify(result.value.id, {
      kind: 'welcome',
      text: 'Welcome to Nine Lives! Add your cats and say hello.',
      url: '/settings',
    })
  }
  const reports = await seedFinderDemo(services.finder, await demoMemberIds(services, Math.min(users, FINDER_DEMO_MEMBERS)))
  const posts = await seedFeedDemo(services.feed, await demoMembers(services, Math.min(users, FEED_DEMO_MEMBERS)))
  const memorials = await seedMemorialsDemo(services.memorials, await demoMembers(services, Math.min(users, MEMORIALS_DEMO_MEMBERS)))
  return `Added ${created} demo members (${users - created} already there), ${posts} posts, ${reports} lost and found reports and ${memorials} memorials. Sign in as @${demoHandle(0)} with the password "${DEMO_PASSWORD}".`
}

/** Reporters and helpers for the CatFinder demo: enough for a few neighbourhoods. */
const FINDER_DEMO_MEMBERS = 8

/** Owners of the demo memorials and friends who light candles and write tributes. */
const MEMORIALS_DEMO_MEMBERS = 8

/** Posters, followers and commenters for the feed demo: a lively first page without minutes of photo processing. */
const FEED_DEMO_MEMBERS = 12

async function demoMembers(services: Pick<Services, 'accounts'>, count: number): Promise<Viewer[]> {
  const users = await Promise.all(Array.from({ length: count }, (_, index) => services.accounts.findByHandle(demoHandle(index))))
  return users
    .filter((user) => user !== undefined)
    .map((user) => ({ id: user.id, handle: user.handle, displayName: user.display_name, role: user.role, avatarMediaId: user.avatar_media_id, emailVerified: user.email_verified_at !== null }))
}

async function demoMemberIds(services: Pick<Services, 'accounts'>, count: number): Promise<string[]> {
  const users = await Promise.all(Array.from({ length: count }, (_, index) => services.accounts.findByHandle(demoHandle(index))))
  return users.filter((user) => user !== undefined).map((user) => user.id)
}
