/**
 * Keeps the documents true to the repository: `bun scripts/check-docs.ts` (`npm run check:docs`),
 * an early step of `.ci/run`. It fails, naming file and line, when
 *
 * - README.md is over README_MAX_BYTES: the README is a front door, the rest lives in docs/;
 * - anything in the product, its tests, scripts or documents points outside the repository
 *   (OUTSIDE): a reader of this repository has nothing else;
 * - a path named in README.md or docs/*.md does not exist: a backticked `src/…` (or views/, tests/,
 *   scripts/, migrations/, static/, docs/, ops/, .ci/) or a relative Markdown link;
 * - a backticked name right after a path is not in that file: `src/x.ts` `create` says `create` is
 *   in src/x.ts (a quoted name, `'feed.fanOut'`, must appear as that string). In a table cell every
 *   name after a path counts; elsewhere only those following it with nothing but spaces between.
 *
 * Paths with a placeholder (`migrations/<domain>/`, `*`, `{`, `…`) are not checked.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

/** 12 KB: what a newcomer reads in one sitting. */
const README_MAX_BYTES = 12_288

const ROOT = path.resolve(import.meta.dir, '..')

/** Where nothing may point outside the repository. */
const SELF_CONTAINED = ['src', 'views', 'static', 'migrations', 'tests', 'scripts', '.ci', 'docs', 'README.md']

/** Pointers to what lives outside this repository: the team's shared notes, the seed, a machine's paths. */
const OUTSIDE: { pattern: RegExp; why: string }[] = [
  { pattern: /\.\.\/shared\b/, why: 'a path outside the repository' },
  { pattern: /\bshared\/(DESIGN|STYLE)\b/, why: 'the team notes outside the repository' },
  { pattern: /\b(DESIGN|STYLE)\.md\b/, why: 'a document not in the repository; docs/architecture.md is' },
  { pattern: /(^|[^\w/.-])seed\/|scaling-strategy/, why: 'the seed, which is not in the repository' },
  { pattern: /(^|[^\w.-])\/(work|home|root|Users)\//, why: 'an absolute path of one machine' },
]

/** Top-level folders whose backticked paths in the documents must exist. */
const PATH_ROOTS = /^(src|views|tests|scripts|migrations|static|docs|ops|\.ci)\//
const PLACEHOLDER = /[<>*{}…]|\.\.\./

interface Problem {
  where: string
  what: string
}

function filesUnder(entry: string): string[] {
  const full = path.join(ROOT, entry)
  if (!existsSync(full)) return []
  if (statSync(full).isFile()) return [entry]
  return readdirSync(full, { withFileTypes: true }).flatMap((child) => filesUnder(path.join(entry, child.name)))
}

function documents(): string[] {
  return ['README.md', ...filesUnder('docs').filter((file) => file.endsWith('.md'))]
}

function readmeSize(): Problem[] {
  const bytes = statSync(path.join(ROOT, 'README.md')).size
  return bytes > README_MAX_BYTES ? [{ where: 'README.md', what: `is ${bytes} bytes, over ${README_MAX_BYTES}: move detail into docs/` }] : []
}

function outsidePointers(): Problem[] {
  const problems: Problem[] = []
  // This file names the patterns it looks for.
  const files = SELF_CONTAINED.flatMap(filesUnder).filter((file) => file !== path.relative(ROOT, import.meta.path))
  for (const file of files) {
    const text = readFileSync(path.join(ROOT, file), 'utf8')
    // Images and other binaries (docs/screens/) hold no pointers, only bytes that may look like one.
    if (text.includes('\u0000')) continue
    text
      .split('\n')
      .forEach((line, i) => {
        const found = OUTSIDE.find(({ pattern }) => pattern.test(line))
        if (found) problems.push({ where: `${file}:${i + 1}`, what: `points outside the repository, ${found.why}: ${line.trim().slice(0, 120)}` })
      })
  }
  return problems
}

/** A backticked path as a file or folder of the repository, or null when it is not one to check. */
function checkedPath(token: string): string | null {
  const bare = token.replace(/[#:].*$/, '').replace(/[.,;)]+$/, '')
  if (!PATH_ROOTS.test(bare) || PLACEHOLDER.test(bare) || /\s/.test(bare)) return null
  return bare
}

const exists = (file: string) => existsSync(path.join(ROOT, file))

/** The names a table cell gives after a path: `src/x.ts` `create`, `'feed.fanOut'`. */
function namesMissing(file: string, names: string[]): string[] {
  const full = path.join(ROOT, file)
  if (!existsSync(full) || !statSync(full).isFile()) return []
  const text = readFileSync(full, 'utf8')
  return names.filter((name) => {
    const quoted = /^'(.+)'$/.exec(name)
    if (quoted) return !text.includes(`'${quoted[1]}'`)
    const last = name.replace(/\(\)$/, '').split('.').at(-1)!
    return !new RegExp(`(^|[^\\w$])${last.replace(/\$/g, '\\$')}([^\\w$]|$)`).test(text)
  })
}

const IDENTIFIER = /^([A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*(\(\))?|'[\w.:-]+')$/

function namedPaths(): Problem[] {
  const problems: Problem[] = []
  for (const doc of documents()) {
    const lines = readFileSync(path.join(ROOT, doc), 'utf8').split('\n')
    let fenced = false
    lines.forEach((line, i) => {
      if (line.startsWith('```')) fenced = !fenced
      if (fenced) return
      const where = `${doc}:${i + 1}`
      // Relative Markdown links: [text](caching.md), [text](../src/app.ts#L3)
      for (const [, target] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^([a-z]+:|#)/.test(target!)) continue
        const file = path.normalize(path.join(path.dirname(doc), target!.replace(/#.*$/, '')))
        if (!exists(file)) problems.push({ where, what: `links to ${target}, which does not exist` })
      }
      const cells = line.startsWith('|') ? line.split('|') : [line]
      for (const cell of cells) {
        let current: string | null = null
        const names: string[] = []
        const flush = () => {
          const missing = current ? namesMissing(current, names) : []
          for (const name of missing) problems.push({ where, what: `names \`${name}\` in ${current}, which has no such name` })
          names.length = 0
        }
        let end = 0
        for (const match of cell.matchAll(/`([^`]+)`/g)) {
          const token = match[1]!
          const adjacent = /^\s+$/.test(cell.slice(end, match.index))
          end = match.index + match[0].length
          const file = checkedPath(token)
          if (file) {
            if (!exists(file)) problems.push({ where, what: `names ${file}, which does not exist` })
            flush()
            current = file
          } else if (current && IDENTIFIER.test(token) && (line.startsWith('|') || adjacent)) {
            names.push(token)
          } else if (!line.startsWith('|')) {
            flush()
            current = null
          }
        }
        flush()
      }
    })
  }
  return problems
}

const problems = [...readmeSize(), ...outsidePointers(), ...namedPaths()]
for (const { where, what } of problems) console.error(`${where}: ${what}`)
if (problems.length > 0) {
  console.error(`check-docs: ${problems.length} problem${problems.length === 1 ? '' : 's'}`)
  process.exit(1)
}
console.log(`check-docs: README.md ${statSync(path.join(ROOT, 'README.md')).size} bytes; ${documents().length} documents, every named path there`)
