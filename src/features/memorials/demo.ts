/**
 * Demo memorials for a fresh install: a few cats remembered by demo members, with cover photos
 * (drawn here with sharp: a cat asleep at dusk), stories, tributes and candles, made through the
 * services as people would. One has its anniversary today, so the demo shows the day's candle.
 * Safe to run twice: an owner's memorial with the same name is skipped.
 */
import sharp from 'sharp'
import { demoCatPhoto, PALETTE_COUNT } from '@/features/feed/demo'
import type { Viewer } from '@/features/accounts/viewer'
import type { MemorialsFeature } from '@/features/memorials/feature'
import type { MemorialInput } from '@/features/memorials/service'

interface DemoMemorial {
  name: string
  born: [day: string, month: string, year: string]
  /** null: the anniversary of the passing is today, a few years ago. */
  passed: [day: string, month: string, year: string] | null
  story: string
  visibility: 'public' | 'unlisted'
  tributesNeedApproval?: boolean
  tributes: string[]
  candles: number
  palette: { sky: [string, string]; cat: string }
  /** The palette of the gallery's photo from sunnier days (src/features/feed/demo.ts, demoCatPhoto), matching the coat. */
  daylight: number
}

const DEMO_MEMORIALS: DemoMemorial[] = [
  {
    name: 'Marmalade',
    born: ['', '4', '2009'],
    passed: ['2', '6', '2024'],
    story:
      'Marmalade arrived on a wet October night, thin and loud, and decided at once that the house was hers.\n\n' +
      'For fifteen years she slept on the warm side of every radiator and met us at the door each evening. She was *fierce* with the neighbour’s dog and **endlessly** patient with the children.',
    visibility: 'public',
    tributes: ['She was the queen of our street. We will miss her greeting us from the garden wall.', 'Thinking of you all. What a beautiful, well-loved girl.'],
    candles: 6,
    palette: { sky: ['#f8c58c', '#8e5a6b'], cat: '#d9822b' },
    daylight: 0,
  },
  {
    name: 'Smokey',
    born: ['', '', '2006'],
    passed: ['', '11', '2023'],
    story: 'Seventeen years of quiet company. Smokey liked the top of the bookcase, the third step of the stairs, and nobody else’s lap but Grandad’s.',
    visibility: 'public',
    tributes: ['The gentlest old man. Sending love.'],
    candles: 3,
    palette: { sky: ['#c9d6ff', '#6b7aa1'], cat: '#5b5b63' },
    daylight: 4,
  },
  {
    name: 'Pip',
    born: ['14', '5', '2015'],
    passed: ['30', '9', '2022'],
    story: 'Small, brave and always hungry. Pip taught two puppies and a rabbit who was in charge.',
    visibility: 'public',
    tributesNeedApproval: true,
    tributes: ['Pip was one of a kind. Hugs to you all.'],
    candles: 4,
    palette: { sky: ['#ffd9b3', '#a46a8c'], cat: '#2e2a2a' },
    daylight: 3,
  },
  {
    name: 'Tiger',
    born: ['', '', '2010'],
    passed: null,
    story: 'Tiger hunted leaves, chased sunbeams and slept in the laundry basket whenever it was full and warm.',
    visibility: 'public',
    tributes: [],
    candles: 2,
    palette: { sky: ['#fbe3a8', '#c0785a'], cat: '#b8733a' },
    daylight: 0,
  },
  {
    name: 'Luna',
    born: ['', '', '2012'],
    passed: ['', '', '2021'],
    story: 'For family and friends: Luna, who sat with us through everything.',
    visibility: 'unlisted',
    tributes: [],
    candles: 0,
    palette: { sky: ['#dfe7fd', '#8c93b8'], cat: '#e9e4d8' },
    daylight: 2,
  },
]

/** Years ago that the demo's anniversary cat died. */
const ANNIVERSARY_YEARS = 3

/** Makes the demo memorials for `members` (owners first, the rest write tributes); returns how many were made. */
export async function seedMemorialsDemo(feature: MemorialsFeature, members: Viewer[]): Promise<number> {
  if (members.length < 2) return 0
  let made = 0
  for (const [index, demo] of DEMO_MEMORIALS.entries()) {
    const owner = members[index % members.length]!
    const existing = await feature.memorials.ownedBy(owner.id)
    if (existing.some((memorial) => memorial.name === demo.name)) continue
    const cover = { bytes: await duskPhoto(demo.palette), alt: `${demo.name} asleep at dusk` }
    const result = await feature.memorials.createMemorial(owner, demoInput(demo), cover)
    if (!result.ok) throw new Error(`demo memorial ${demo.name} was refused: ${JSON.stringify(result.errors)}`)
    const memorial = result.value
    // One photo from sunnier days in the gallery under the story.
    const daylight = { bytes: await demoCatPhoto(demo.daylight + PALETTE_COUNT * (index + 1)), alt: `${demo.name} in the sun on the windowsill` }
    const added = await feature.memorials.addPhoto(memorial, daylight)
    if (!added.ok) throw new Error(`demo memorial ${demo.name}'s photo was refused: ${JSON.stringify(added.errors)}`)
    const others = members.filter((member) => member.id !== owner.id)
    for (const [i, text] of demo.tributes.entries()) await feature.tributes.leaveTribute(others[i % others.length]!, memorial, text)
    for (const visitor of others.slice(0, demo.candles)) await feature.candles.lightCandle(memorial.id, `user:${visitor.id}`)
    await feature.memorials.pageChanged(memorial, { purge: false })
    made++
  }
  return made
}

function demoInput(demo: DemoMemorial): MemorialInput {
  const today = new Date()
  const passed = demo.passed ?? [String(today.getUTCDate()), String(today.getUTCMonth() + 1), String(today.getUTCFullYear() - ANNIVERSARY_YEARS)]
  const [bornDay, bornMonth, bornYear] = demo.born
  const [passedDay, passedMonth, passedYear] = passed
  return {
    name: demo.name,
    born: { day: bornDay, month: bornMonth, year: bornYear },
    passed: { day: passedDay, month: passedMonth, year: passedYear },
    story: demo.story,
    visibility: demo.visibility,
    showOnWall: demo.visibility === 'public',
    tributesNeedApproval: demo.tributesNeedApproval ?? false,
  }
}

/** A cat curled up asleep on a sill against an evening sky, as a JPEG: drawn as SVG, encoded by sharp. */
async function duskPhoto({ sky, cat }: DemoMemorial['palette']): Promise<Uint8Array> {
  // Drawn at 1200 × 900, written at 800 × 600: plenty for a cover, and quick to process at seed time.
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600" viewBox="0 0 1200 900">
    <defs>
      <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${sky[0]}"/><stop offset="1" stop-color="${sky[1]}"/></linearGradient>
      <radialGradient id="glow" cx="0.72" cy="0.3" r="0.35"><stop offset="0" stop-color="#fff6dc" stop-opacity="0.85"/><stop offset="1" stop-color="#fff6dc" stop-opacity="0"/></radialGradient>
    </defs>
    <rect width="1200" height="900" fill="url(#sky)"/>
    <rect width="1200" height="900" fill="url(#glow)"/>
    <rect y="700" width="1200" height="200" fill="#4a3b3f" opacity="0.85"/>
    <g fill="${cat}">
      <ellipse cx="600" cy="640" rx="260" ry="110"/>
      <circle cx="420" cy="600" r="92"/>
      <polygon points="350,540 372,455 425,522"/>
      <polygon points="468,522 500,452 505,548"/>
      <path d="M 840 660 q 110 -10 90 -120 q -10 -40 -40 -20 q 30 60 -60 100 z"/>
    </g>
    <g stroke="#2b2326" stroke-width="6" stroke-linecap="round" fill="none" opacity="0.7">
      <path d="M 385 600 q 15 10 30 0"/><path d="M 440 600 q 15 10 30 0"/>
    </g>
  </svg>`
  return new Uint8Array(await sharp(Buffer.from(svg)).jpeg({ quality: 84, mozjpeg: true }).toBuffer())
}
