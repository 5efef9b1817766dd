import type { Place } from '@/features/finder/gazetteer'
import { METRES_PER_DEGREE, type LatLng } from '@/features/finder/geodesy'

export interface MapMark {
  point: LatLng
  kind: 'report' | 'seen' | 'not_seen'
}

export interface StaticMapProps {
  /** The report's public point: the map is centred on it. */
  centre: LatLng
  /** The privacy grid: the report's circle is this wide, so the map claims no more precision than it has. */
  gridMetres: number
  marks: MapMark[]
  /** Towns and neighbourhoods nearby, biggest first, as labels. */
  places: Place[]
  label: string
}

const WIDTH = 320
const HEIGHT = 200
/** At least a walk across a neighbourhood; at most what a cat could cover in a few days. */
const MIN_SPAN_M = 2000
const MAX_SPAN_M = 30_000
/** Marks stay this far inside the frame. */
const MARGIN_PX = 16
const SCALE_STEPS_M = [100, 200, 500, 1000, 2000, 5000, 10_000]

/**
 * A map of the area drawn on the server as SVG: no tiles, no request to anyone, no JavaScript. The
 * report's rounded area, its sightings and the nearest towns, with a scale bar. Public points only.
 */
export function StaticMap({ centre, gridMetres, marks, places, label }: StaticMapProps): JSX.Element {
  const offset = (point: LatLng) => ({
    east: (point.lng - centre.lng) * METRES_PER_DEGREE * Math.cos((centre.lat * Math.PI) / 180),
    north: (point.lat - centre.lat) * METRES_PER_DEGREE,
  })
  // Zoomed so every mark fits with a margin, both across and up, within the span limits.
  const needed = Math.max(
    MIN_SPAN_M / WIDTH,
    ...marks.map((mark) => {
      const { east, north } = offset(mark.point)
      return Math.max(Math.abs(east) / (WIDTH / 2 - MARGIN_PX), Math.abs(north) / (HEIGHT / 2 - MARGIN_PX))
    }),
  )
  const metresPerPixel = Math.min(MAX_SPAN_M / WIDTH, needed)
  const project = (point: LatLng) => {
    const { east, north } = offset(point)
    return { x: WIDTH / 2 + east / metresPerPixel, y: HEIGHT / 2 - north / metresPerPixel }
  }
  const inside = ({ x, y }: { x: number; y: number }) => x >= 0 && x <= WIDTH && y >= 0 && y <= HEIGHT
  const scaleM = SCALE_STEPS_M.filter((step) => step / metresPerPixel <= WIDTH / 3).at(-1) ?? SCALE_STEPS_M[0]!
  const areaRadius = Math.max(4, gridMetres / 2 / metresPerPixel)
  return (
    <figure class="static-map">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={String(WIDTH)} height={String(HEIGHT)} role="img" aria-label={label}>
        <rect width={String(WIDTH)} height={String(HEIGHT)} fill="#eef0e6" />
        {places
          .map((place) => ({ place, at: project(place) }))
          // Room for the label: not against the top edge, nor running off the right.
          .filter(({ at }) => inside(at) && at.y > 14 && at.x < WIDTH - 60)
          .map(({ place, at }) => (
            <g fill="#6b6b6b">
              <circle cx={at.x.toFixed(1)} cy={at.y.toFixed(1)} r="2" />
              <text x={(at.x + 4).toFixed(1)} y={(at.y - 3).toFixed(1)} font-size="10" safe>
                {place.label.split(',')[0]}
              </text>
            </g>
          ))}
        <circle cx={String(WIDTH / 2)} cy={String(HEIGHT / 2)} r={areaRadius.toFixed(1)} fill="#9a3b12" fill-opacity="0.18" stroke="#9a3b12" stroke-width="1.5" />
        {marks
          .filter((mark) => mark.kind !== 'report')
          .map((mark) => ({ mark, at: project(mark.point) }))
          .filter(({ at }) => inside(at))
          .map(({ mark, at }) =>
            mark.kind === 'seen' ? (
              <circle cx={at.x.toFixed(1)} cy={at.y.toFixed(1)} r="5" fill="#1a5fb4" stroke="#fff" stroke-width="1.5" />
            ) : (
              <rect x={(at.x - 4).toFixed(1)} y={(at.y - 4).toFixed(1)} width="8" height="8" fill="#fff" stroke="#5c5c5c" stroke-width="1.5" />
            ),
          )}
        <circle cx={String(WIDTH / 2)} cy={String(HEIGHT / 2)} r="4" fill="#9a3b12" />
        <g stroke="#222" stroke-width="2">
          <line x1="10" y1={String(HEIGHT - 12)} x2={(10 + scaleM / metresPerPixel).toFixed(1)} y2={String(HEIGHT - 12)} />
        </g>
        <text x="10" y={String(HEIGHT - 17)} font-size="10" fill="#222" safe>
          {scaleM >= 1000 ? `${scaleM / 1000} km` : `${scaleM} m`}
        </text>
        <text x={String(WIDTH - 16)} y="18" font-size="12" font-weight="bold" fill="#222">
          N
        </text>
      </svg>
      <figcaption class="muted">
        Shaded: the rounded area of the report (exact spots are never shown). Blue dots: sightings. Squares: searched, not seen.
      </figcaption>
    </figure>
  )
}
