import { describe, expect, test } from 'bun:test'
import { Geodesic } from 'geographiclib-geodesic'
import { loadConfig } from '@/config'
import { biggestPlaces, describePoint, editDistanceWithin, nearestPlace, resolvePlace, type Place } from '@/features/finder/gazetteer'
import { shownKm, type LatLng } from '@/features/finder/geodesy'
import { publicPoint } from '@/features/finder/privacy-grid'
import { geohash, geohashNeighbourhood } from '@/features/finder/geohash'
import { readPlace } from '@/features/finder/place'
import { localTimeAsUtc } from '@/features/finder/report-input'
import { scamSignals } from '@/features/finder/scam'
import { securityHeaders } from '@/http/security'
import { REPO_ROOT } from '@tests/helpers/server'
import { seededRandom } from '@tests/helpers/random'

describe('the privacy grid', () => {
  test('every point in a cell has the same public point, within half a cell’s diagonal of it', () => {
    const grid = 250
    for (const [lat, lng] of [[52.520008, 13.404954], [-33.8688, 151.2093], [64.1466, -21.9426], [0.0001, 179.9999], [-0.0001, -179.9999]]) {
      const shown = publicPoint({ lat: lat!, lng: lng! }, grid)
      // Anywhere within 50 m of the cell's centre is the same cell: the same public point.
      for (const [dLat, dLng] of [[0.0004, 0], [-0.0004, 0], [0, 0.0004], [0.0003, -0.0003]]) {
        expect(publicPoint({ lat: shown.lat + dLat!, lng: shown.lng + dLng! * Math.min(1, 1 / Math.cos((lat! * Math.PI) / 180)) }, grid)).toEqual(shown)
      }
      const metres = Geodesic.WGS84.Inverse(lat!, lng!, shown.lat, shown.lng).s12!
      expect(metres).toBeLessThan((grid / 2) * Math.SQRT2 * 1.02)
      expect(publicPoint(shown, grid)).toEqual(shown)
    }
  })

  test('distances are shown in kilometres with one decimal', () => {
    expect(shownKm(0)).toBe('0.0 km')
    expect(shownKm(1249)).toBe('1.2 km')
    expect(shownKm(1250)).toBe('1.3 km')
  })
})

describe('geohash cells', () => {
  test('known hashes, and nine neighbours that wrap at the antimeridian', () => {
    expect(geohash({ lat: 57.64911, lng: 10.40744 }, 11)).toBe('u4pruydqqvj')
    expect(geohashNeighbourhood('u4pr')).toHaveLength(9)
    const east = geohashNeighbourhood(geohash({ lat: 0, lng: 179.99 }, 4))
    expect(east).toContain(geohash({ lat: 0, lng: -179.99 }, 4))
  })
})

describe('the gazetteer', () => {
  test('resolves towns and neighbourhoods, with a country or US state to tell them apart', () => {
    const kreuzberg = resolvePlace('Kreuzberg')
    expect(kreuzberg.ok && kreuzberg.place.label).toBe('Kreuzberg, Germany')
    const camden = resolvePlace('camden, nj')
    expect(camden.ok && camden.place.label).toBe('Camden, NJ, United States')
    const saoPaulo = resolvePlace('Sao Paulo')
    expect(saoPaulo.ok && saoPaulo.place.label).toBe('São Paulo, Brazil')
  })

  test('suggests what a misspelt town probably was, and nothing for gibberish', () => {
    const misspelt = resolvePlace('Manchestr')
    expect(misspelt.ok).toBe(false)
    expect(!misspelt.ok && misspelt.suggestions[0]?.label).toBe('Manchester, United Kingdom')
    const gibberish = resolvePlace('Qwxzzqq')
    expect(!gibberish.ok && gibberish.suggestions).toEqual([])
    expect(editDistanceWithin('kitten', 'sitting', 5)).toBe(3)
    expect(editDistanceWithin('kitten', 'sitting', 1)).toBe(2)
  })

  test('is held in a few dozen objects, not an object per place for every full collection to mark', () => {
    const script = [
      "import { heapStats } from 'bun:jsc'",
      "import { nearestPlace } from '@/features/finder/gazetteer'",
      'Bun.gc(true)',
      'const before = heapStats().objectCount',
      'nearestPlace({ lat: 52.5, lng: 13.4 })',
      'Bun.gc(true)',
      'console.log(heapStats().objectCount - before)',
    ].join('\n')
    const run = Bun.spawnSync([process.execPath, '-e', script], { cwd: REPO_ROOT, env: {} })
    // ~3,500 now (the module's code and the country names); an object per place made it over a million.
    expect(Number(run.stdout.toString())).toBeLessThan(20_000)
  })

  test('names the town nearest a point, and gives numbers far from any', () => {
    expect(describePoint({ lat: 52.4997, lng: 13.4034 })).toBe('near Kreuzberg, Germany')
    expect(describePoint({ lat: 0, lng: -30 })).toBe('0.000, -30.000')
  })
})

describe('reading a place', () => {
  test('a town wins over numbers; numbers must be in range and come in pairs', () => {
    expect(readPlace({ town: 'Kreuzberg', lat: '1', lng: '2' })).toMatchObject({ ok: true, townLabel: 'Kreuzberg, Germany' })
    expect(readPlace({ town: '', lat: '52,5', lng: '13.4' })).toMatchObject({ ok: true, point: { lat: 52.5, lng: 13.4 } })
    expect(readPlace({ town: '', lat: '91', lng: '0' })).toMatchObject({ ok: false, errors: { lat: 'Latitude must be a number from -90 to 90.' } })
    expect(readPlace({ town: '', lat: '0', lng: '-181' })).toMatchObject({ ok: false, errors: { lng: 'Longitude must be a number from -180 to 180.' } })
    expect(readPlace({ town: '', lat: '1e2', lng: '0' })).toMatchObject({ ok: false })
    expect(readPlace({ town: '', lat: '', lng: '' })).toMatchObject({ ok: false, errors: { town: expect.stringContaining('Please give a town') } })
  })
})

describe('local times', () => {
  test('uses the browser’s offset when sent, else one estimated from longitude, and refuses impossible dates', () => {
    expect(localTimeAsUtc('2025-06-01T10:00', '-120', null)).toEqual({ at: new Date('2025-06-01T08:00:00Z'), zoneKnown: true })
    expect(localTimeAsUtc('2025-06-01T10:00', '', { lat: 40.7, lng: -74 })).toEqual({ at: new Date('2025-06-01T15:00:00Z'), zoneKnown: false })
    expect(localTimeAsUtc('2025-02-30T10:00', '0', null)).toBeNull()
    expect(localTimeAsUtc('yesterday', '0', null)).toBeNull()
  })
})

describe('scam signals', () => {
  test('codes, gift cards, transfers and fees are caught; ordinary sightings are not', () => {
    expect(scamSignals('Send me the 6 digit code you received first')).toEqual(['verification_code'])
    expect(scamSignals('Pay with Apple gift cards and I bring him')).toEqual(['gift_card'])
    expect(scamSignals('Western Union or bitcoin only')).toEqual(['money_transfer'])
    expect(scamSignals('The shelter needs a release fee of $80')).toEqual(['advance_fee'])
    expect(scamSignals('Saw a ginger cat by the bakery this morning, heading to the park.')).toEqual([])
  })
})

describe('map configuration', () => {
  test('the tile host joins the CSP; a URL without {z}/{x}/{y} stops start-up; "off" turns the map off', () => {
    const config = loadConfig({ MAP_TILE_URL: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png' })
    expect(securityHeaders(config)['content-security-policy']).toContain('img-src \'self\' data: blob: https://*.tiles.example.org')
    expect(() => loadConfig({ MAP_TILE_URL: 'https://tiles.example.org/tile.png' })).toThrow('MAP_TILE_URL must be')
    expect(loadConfig({ MAP_TILE_URL: 'off' }).finder.mapTileUrl).toBeNull()
  })
})

describe('the nearest place', () => {
  test('is the one a look through every place finds, up to 1.5° away', () => {
    const everyPlace = biggestPlaces(Number.MAX_SAFE_INTEGER)
    const next = seededRandom(11)
    const squared = (place: Place, point: LatLng, lngScale: number) =>
      (place.lat - point.lat) ** 2 + ((((place.lng - point.lng + 540) % 360) - 180) * lngScale) ** 2
    for (let i = 0; i < 300; i++) {
      const town = everyPlace[Math.floor(next() * everyPlace.length)]!
      // Mostly near towns (crowded or not), some anywhere (sea, desert, poles, antimeridian).
      const point = i % 4 === 0 ? { lat: next() * 170 - 85, lng: next() * 360 - 180 } : { lat: town.lat + next() - 0.5, lng: ((town.lng + next() - 0.5 + 540) % 360) - 180 }
      const lngScale = Math.cos((point.lat * Math.PI) / 180)
      const nearest = Math.min(...everyPlace.map((place) => squared(place, point, lngScale)))
      const found = nearestPlace(point)
      if (Math.sqrt(nearest) <= 1.5 * lngScale) expect({ point, distance: found && squared(found, point, lngScale) }).toEqual({ point, distance: nearest })
    }
  })
})
