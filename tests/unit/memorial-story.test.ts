import { describe, expect, test } from 'bun:test'
import { renderStory } from '@/features/memorials/story'

const html = (story: string) => renderStory(story).trustedHtml as string

describe('a story becomes safe HTML', () => {
  test('paragraphs, line breaks, emphasis and links', () => {
    expect(html('First line\nsecond line\n\nA new paragraph.')).toBe('<p>First line<br>second line</p>\n<p>A new paragraph.</p>')
    expect(html('She was *small*, _brave_ and **very** loud.')).toBe('<p>She was <em>small</em>, <em>brave</em> and <strong>very</strong> loud.</p>')
    expect(html('Her [favourite song](https://example.com/song?a=1&b=2).')).toBe(
      '<p>Her <a href="https://example.com/song?a=1&amp;b=2" rel="nofollow ugc noopener">favourite song</a>.</p>',
    )
    expect(html('[Write to us](mailto:vet@example.com)')).toBe('<p><a href="mailto:vet@example.com" rel="nofollow ugc noopener">Write to us</a></p>')
    expect(html('A [**bold** link](http://example.com/)')).toBe('<p>A <a href="http://example.com/" rel="nofollow ugc noopener"><strong>bold</strong> link</a></p>')
  })

  test('script elements are removed with their contents', () => {
    for (const story of ['<script>alert(1)</script>Hi', '<SCRIPT src=//evil.example/x.js></SCRIPT>Hi', '<script>alert(1)', '<style>body{display:none}</style>Hi']) {
      const out = html(story)
      expect(out).not.toMatch(/script|alert|style|display/i)
    }
    expect(html('<script>alert(1)</script>Hi')).toBe('<p>Hi</p>')
  })

  test('javascript: and other schemes never become links, however they are spelled', () => {
    const tricks = [
      '[click](javascript:alert(1))',
      '[click](JaVaScRiPt:alert(1))',
      '[click](java\tscript:alert(1))',
      '[click]( javascript:alert(1))',
      '[click](&#106;avascript:alert(1))',
      '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '[click](vbscript:msgbox(1))',
      '[click](//evil.example/)',
      '[click](/relative/path)',
    ]
    for (const story of tricks) {
      const out = html(story)
      expect(out).not.toContain('<a')
      expect(out).not.toContain('href')
      expect(out).toContain('click')
    }
  })

  test('raw HTML and event attributes are removed, and what is left is escaped text', () => {
    expect(html('<img src=x onerror=alert(1)>Whiskers')).toBe('<p>Whiskers</p>')
    expect(html('<a href="https://example.com" onclick="steal()">link</a>')).toBe('<p>link</p>')
    expect(html('<div onmouseover="alert(1)">Purr</div><!-- hidden --><iframe src="https://evil.example"></iframe>')).toBe('<p>Purr</p>')
    expect(html('<svg><animate onbegin=alert(1) attributeName=x dur=1s>')).toBe('')
    expect(html('I <3 her & she knew it; 2 < 3 > 1 "quoted" \'single\'')).toBe(
      '<p>I &lt;3 her &amp; she knew it; 2 &lt; 3 &gt; 1 &quot;quoted&quot; &#39;single&#39;</p>',
    )
    // A link's words and address cannot carry markup either.
    expect(html('[<b onclick=x>hi</b>](https://example.com/"onmouseover="alert(1))')).not.toMatch(/onclick|onmouseover="/)
  })

  test('stray markers and escapes show as typed; snake_case is left alone', () => {
    expect(html('2 * 3 = 6, a_b_c, \\*not emphasis\\*, [not a link]')).toBe('<p>2 * 3 = 6, a_b_c, *not emphasis*, [not a link]</p>')
    expect(html('**unclosed')).toBe('<p>**unclosed</p>')
  })

  test('plain text for descriptions has the words without the markup', () => {
    expect(renderStory('She was *small*.\n\nSee [her page](https://example.com).').plainText).toBe('She was small. See her page.')
  })
})
