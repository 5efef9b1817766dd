/**
 * The layering of src/ and views/, read from the import and export statements of the files
 * themselves (type-only ones included), so nothing has to be run or bundled:
 * - no module imports itself through others: a circle means modules that cannot be read, tested or
 *   moved apart;
 * - a feature's rules (its services, jobs, tables, wiring) import nothing from views/ or src/http/:
 *   only its routes speak HTTP and render;
 * - src/infra/ and src/shared/ import nothing of the features, src/http/ or views/;
 * - views/ keep no caches at module level: a feature makes its caches and passes them in.
 */
import { describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dir, '../..')
const SCANNED = ['src', 'views']
/** How tsconfig's `paths` map our import prefixes to folders. */
const ALIASES: Record<string, string> = { '@/': 'src/', '@views/': 'views/', '@tests/': 'tests/' }

/** Every .ts and .tsx file under `dir`, as a path from the repository root. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) ? [path] : []
  })
}

/**
 * The module specifiers a file imports: `import … from`, `export … from` (over several lines),
 * `import '…'` and `import('…')`. Lines inside doc comments start with `*` and are not matched.
 */
function importedSpecifiers(text: string): string[] {
  const patterns = [/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g]
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1]!))
}

/** The file a specifier names, or null for a package; throws for one of ours that names no file. */
function resolve(from: string, specifier: string): string | null {
  const alias = Object.keys(ALIASES).find((prefix) => specifier.startsWith(prefix))
  let base: string
  if (alias) base = ALIASES[alias] + specifier.slice(alias.length)
  else if (specifier.startsWith('.')) base = join(from, '..', specifier)
  else return null
  const file = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((candidate) => /\.tsx?$/.test(candidate) && existsSync(join(ROOT, candidate)))
  if (!file) throw new Error(`${from} imports ${specifier}, which names no file`)
  return file
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of SCANNED.flatMap(sourceFiles)) {
    const imports = importedSpecifiers(readFileSync(join(ROOT, file), 'utf8')).flatMap((specifier) => resolve(file, specifier) ?? [])
    graph.set(file, [...new Set(imports)])
  }
  return graph
}

/** Each circle once, as the path around it (`a → b → a`), found by a depth-first walk. */
function importCircles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const done = new Set<string>()
  const path: string[] = []
  const onPath = new Set<string>()
  const circles: string[] = []
  function visit(file: string): void {
    path.push(file)
    onPath.add(file)
    for (const next of graph.get(file) ?? []) {
      if (onPath.has(next)) circles.push([...path.slice(path.indexOf(next)), next].join(' → '))
      else if (!done.has(next)) visit(next)
    }
    path.pop()
    onPath.delete(file)
    done.add(file)
  }
  for (const file of [...graph.keys()].sort()) if (!done.has(file)) visit(file)
  return circles
}

/** Lines that make a map, a set or a kept-renderings cache at a module's top level (not inside a function). */
function moduleLevelCaches(text: string): string[] {
  return text.split('\n').filter((line) => /^(?:export\s+)?(?:const|let|var)\s+\w+(?:\s*:[^=]+)?\s*=\s*(?:boundedMap|keptFragments|repeatAsks|new\s+(?:Map|Set|WeakMap))\b/.test(line))
}

/** Modules of a feature that may render and answer HTTP: its routes, and the memorial page it keeps rendered. */
const HTTP_SIDE = [/^src\/features\/[^/]+\/(?:[a-z-]+-)?routes\.ts$/, /^src\/features\/memorials\/(?:shared-page|page-cache)\.ts$/]

/** `from → to` for every import of `from` that starts with one of `forbidden`. */
function importsInto(graph: ReadonlyMap<string, readonly string[]>, from: (file: string) => boolean, forbidden: string[]): string[] {
  return [...graph].flatMap(([file, imports]) =>
    from(file) ? imports.filter((target) => forbidden.some((prefix) => target.startsWith(prefix))).map((target) => `${file} → ${target}`) : [],
  )
}

describe('imports', () => {
  const graph = importGraph()

  test('no module of src/ or views/ imports itself through others', () => {
    expect(importCircles(graph)).toEqual([])
  })

  test('only routes render or speak HTTP: services, jobs, tables and wiring import nothing from views/ or src/http/', () => {
    const rules = (file: string) => file.startsWith('src/features/') && !HTTP_SIDE.some((pattern) => pattern.test(file))
    expect(importsInto(graph, rules, ['views/', 'src/http/'])).toEqual([])
  })

  test('src/infra/ and src/shared/ know nothing of features, HTTP or views', () => {
    const lower = (file: string) => file.startsWith('src/infra/') || file.startsWith('src/shared/')
    expect(importsInto(graph, lower, ['src/features/', 'src/http/', 'views/', 'src/app.ts', 'src/services.ts'])).toEqual([])
  })

  test('views keep no caches of their own: a feature makes them and passes them in', () => {
    const caches = sourceFiles('views').flatMap((file) => moduleLevelCaches(readFileSync(join(ROOT, file), 'utf8')).map((line) => `${file}: ${line}`))
    expect(caches).toEqual([])
    expect(moduleLevelCaches('const kept = keptFragments(10)\nexport let seen = new Map<string, number>()\n  const inside = boundedMap(5)')).toHaveLength(2)
  })

  test('the reader sees every kind of import, and the walk finds a circle of any length', () => {
    const text = [
      `import { a } from '@/a'`,
      `import type { B } from '@/b'`,
      `import {\n  c,\n  d,\n} from '@views/c'`,
      `export { e } from '@/e'`,
      `export type * from '@/f'`,
      `import '@/g'`,
      `const h = await import('@/h')`,
      ` * import { inAComment } from '@/not-an-import'`,
      `const text = 'import x from "@/not-an-import-either"'`,
    ].join('\n')
    expect(importedSpecifiers(text).sort()).toEqual(['@/a', '@/b', '@/e', '@/f', '@/g', '@/h', '@views/c'])

    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ])
    expect(importCircles(graph)).toEqual(['a → b → c → a', 'e → e'])
  })
})
