// The design system's files stay within the budgets docs/design.md states, and the sprite is what
// scripts/build-assets.ts makes from the icons the views name.
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { brotliCompressSync } from 'node:zlib'
import { iconSprite } from '../../scripts/build-assets'
import { mentionedHandles } from '@/features/feed/text-links'
import { hueOf, initials } from '@views/components/avatar'
import { richText } from '@views/components/rich-text'

const STATIC = path.join(import.meta.dir, '..', '..', 'static')
const brotliBytes = (file: string) => brotliCompressSync(readFileSync(path.join(STATIC, file))).byteLength

/** The budgets of docs/design.md ("Budgets"), in bytes, brotli-compressed as they are served. */
const BUDGETS = { 'app.css': 10 * 1024, 'icons.svg': 4 * 1024 }

describe('design budgets', () => {
  for (const [file, budget] of Object.entries(BUDGETS)) {
    test(`${file} stays within ${budget / 1024} KB compressed`, () => {
      expect(brotliBytes(file)).toBeLessThanOrEqual(budget)
    })
  }

  test('the docs state the same budgets', () => {
    const docs = readFileSync(path.join(import.meta.dir, '..', '..', 'docs', 'design.md'), 'utf8')
    for (const [file, budget] of Object.entries(BUDGETS)) expect(docs).toContain(`| \`${file}\` | ${budget / 1024} KB |`)
  })

  test('the committed sprite is the one the build script makes (run `bun scripts/build-assets.ts`)', () => {
    expect(readFileSync(path.join(STATIC, 'icons.svg'), 'utf8')).toBe(iconSprite())
  })
})

describe('text with links', () => {
  test('mentions, tags and addresses become links, and everything else is escaped', () => {
    const html = richText('Hi @amara_whiskers! #SundayCat <b>bold</b> see https://example.org/a?b=1&c=2.')
    expect(html).toBe(
      'Hi <a class="mention" href="/@amara_whiskers">@amara_whiskers</a>! ' +
        '<a class="hashtag" href="/search?q=%23SundayCat">#SundayCat</a> &lt;b&gt;bold&lt;/b&gt; see ' +
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc">https://example.org/a?b=1&amp;c=2</a>.',
    )
  })

  test('an address cannot carry markup or another scheme into the page', () => {
    expect(richText('https://x.org/"onmouseover="alert(1)')).toBe('<a href="https://x.org/" rel="nofollow ugc">https://x.org/</a>&quot;onmouseover=&quot;alert(1)')
    expect(richText('javascript:alert(1)')).toBe('javascript:alert(1)')
  })

  test('an email address or a word with # inside mentions nobody and tags nothing', () => {
    expect(richText('mail me@example.org about C#')).toBe('mail me@example.org about C#')
    expect(mentionedHandles('me@example.org')).toEqual([])
  })

  test('each member mentioned is named once', () => {
    expect(mentionedHandles('@Ben_purrs and @ben_purrs, with @amara_whiskers')).toEqual(['ben_purrs', 'amara_whiskers'])
  })
})

describe('default avatars', () => {
  test('a member without a photo gets initials on a colour that comes from the handle', () => {
    expect(initials('Amara Okafor', 'amara')).toBe('AO')
    expect(initials('amara_whiskers', 'amara_whiskers')).toBe('a')
    expect(initials('', 'ben_purrs')).toBe('b')
    expect(hueOf('amara_whiskers')).toBe(hueOf('amara_whiskers'))
    const hues = new Set(Array.from({ length: 50 }, (_, i) => hueOf(`member_${i}`)))
    expect(hues.size).toBeGreaterThan(8)
  })
})
