/**
 * Which characters typed text may hold: the one rule every form field and query parameter is held
 * to. Control characters are never typed (pasted, they only do harm: PostgreSQL refuses U+0000
 * outright), and bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) make a text
 * read differently from what it is. Multi-line text (a post, a story) keeps its tabs and line
 * breaks (\n, \r\n, \r); one-line text (a name, an email) has none.
 */

/** One-line text: every C0 control, DEL, the C1 controls, the bidi overrides and isolates. */
const ONE_LINE_REFUSED = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
/** Multi-line text: the same, but tab, line feed and carriage return are kept. */
const MULTI_LINE_REFUSED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

export type TextKind = 'line' | 'lines'

export const TEXT_MESSAGES = {
  line: 'This has characters that cannot be typed here (control or direction-changing characters); please type it again without them.',
  lines: 'This has characters that cannot be shown (control or direction-changing characters); please type it again without them.',
} as const

/** Whether `value` holds a character text of that kind may not have. */
export function hasRefusedCharacters(value: string, kind: TextKind): boolean {
  return (kind === 'line' ? ONE_LINE_REFUSED : MULTI_LINE_REFUSED).test(value)
}

/** The message for `value` when it holds a refused character, or null when it is fine. */
export function textProblem(value: string, kind: TextKind): string | null {
  return hasRefusedCharacters(value, kind) ? TEXT_MESSAGES[kind] : null
}

/**
 * Messages by field for every text in `fields` that holds refused characters: `lines` names the
 * multi-line ones, every other field is one line. Empty when all are fine.
 * @example textProblems({ name, story }, ['story']) // { name: '…' } when the name has a NUL
 */
export function textProblems<F extends string>(fields: Partial<Record<F, string>>, lines: readonly NoInfer<F>[] = []): Partial<Record<F, string>> {
  const problems: Partial<Record<F, string>> = {}
  for (const key of Object.keys(fields) as F[]) { // Object.keys widens to string[]; the keys are F's
    const value = fields[key]
    const problem = typeof value === 'string' ? textProblem(value, lines.includes(key) ? 'lines' : 'line') : null
    if (problem) problems[key] = problem
  }
  return problems
}
