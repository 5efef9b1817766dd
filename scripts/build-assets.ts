/**
 * Builds the generated files in static/ from their sources, and is re-run whenever those change:
 *
 *   bun scripts/build-assets.ts           writes them
 *   bun scripts/build-assets.ts --check   exits 1 if a committed file differs from what it would write
 *
 * - static/icons.svg: the sprite, one <symbol> per icon in views/components/icon-names.ts (from
 *   lucide-static, ISC) and the logo (static/logo.svg, drawn for Nine Lives), for `<use href>`.
 * - static/icon-192.png, icon-512.png: app icons; icon-maskable-512.png: the logo inside the safe
 *   zone (the inner 80 %) on a full-bleed background, for launchers that cut their own shape;
 *   apple-touch-icon.png (180 px).
 * - static/favicon.ico: 16, 32 and 48 px PNGs in one ICO, for /favicon.ico.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { ICON_NAMES } from '@views/components/icon-names'

const ROOT = path.join(import.meta.dir, '..')
const STATIC = path.join(ROOT, 'static')
const LUCIDE = path.join(path.dirname(require.resolve('lucide-static/package.json')), 'icons')
/** The logo's background, which the maskable icon's full-bleed square repeats. */
const LOGO_BACKGROUND = '#c2461b'

export function iconSprite(): string {
  const symbols = ICON_NAMES.map((name) => {
    const svg = readFileSync(path.join(LUCIDE, `${name}.svg`), 'utf8')
    const inner = svg.slice(svg.indexOf('>', svg.indexOf('<svg')) + 1, svg.lastIndexOf('</svg>'))
    return `<symbol id="${name}" viewBox="0 0 24 24">${inner.replace(/\s*\n\s*/g, '')}</symbol>`
  })
  const logo = readFileSync(path.join(STATIC, 'logo.svg'), 'utf8').trim()
  const logoInner = logo.slice(logo.indexOf('>') + 1, logo.lastIndexOf('</svg>'))
  symbols.push(`<symbol id="logo" viewBox="0 0 64 64">${logoInner}</symbol>`)
  return `<svg xmlns="http://www.w3.org/2000/svg">${symbols.join('')}</svg>\n`
}

async function png(size: number, { maskable = false } = {}): Promise<Buffer> {
  const logo = readFileSync(path.join(STATIC, 'logo.svg'))
  if (!maskable) return sharp(logo, { density: 72 * Math.ceil(size / 64) * 2 }).resize(size).png({ compressionLevel: 9, palette: true }).toBuffer()
  const inner = Math.round(size * 0.8)
  const mark = await sharp(logo, { density: 72 * Math.ceil(inner / 64) * 2 }).resize(inner).png().toBuffer()
  const offset = Math.round((size - inner) / 2)
  return sharp({ create: { width: size, height: size, channels: 4, background: LOGO_BACKGROUND } })
    .composite([{ input: mark, left: offset, top: offset }])
    .png({ compressionLevel: 9, palette: true })
    .toBuffer()
}

/** An ICO file holding PNG images (allowed since Windows Vista; every browser reads it). */
function ico(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2)
  header.writeUInt16LE(images.length, 4)
  let offset = header.length
  images.forEach(({ size, png: bytes }, i) => {
    const entry = 6 + 16 * i
    header.writeUInt8(size % 256, entry)
    header.writeUInt8(size % 256, entry + 1)
    header.writeUInt16LE(1, entry + 4)
    header.writeUInt16LE(32, entry + 6)
    header.writeUInt32LE(bytes.length, entry + 8)
    header.writeUInt32LE(offset, entry + 12)
    offset += bytes.length
  })
  return Buffer.concat([header, ...images.map((image) => image.png)])
}

export async function generatedAssets(): Promise<Record<string, Buffer>> {
  const small = await Promise.all([16, 32, 48].map(async (size) => ({ size, png: await png(size) })))
  return {
    'icons.svg': Buffer.from(iconSprite()),
    'icon-192.png': await png(192),
    'icon-512.png': await png(512),
    'icon-maskable-512.png': await png(512, { maskable: true }),
    'apple-touch-icon.png': await png(180, { maskable: true }),
    'favicon.ico': ico(small),
  }
}

if (import.meta.main) {
  const check = process.argv.includes('--check')
  const stale: string[] = []
  for (const [name, bytes] of Object.entries(await generatedAssets())) {
    const file = path.join(STATIC, name)
    if (check) {
      let current: Buffer | null = null
      try {
        current = readFileSync(file)
      } catch {}
      if (!current?.equals(bytes)) stale.push(name)
    } else {
      writeFileSync(file, bytes)
      console.log(`${name}: ${bytes.length} bytes`)
    }
  }
  if (stale.length > 0) {
    console.error(`Out of date in static/: ${stale.join(', ')}. Run: bun scripts/build-assets.ts`)
    process.exit(1)
  }
}
