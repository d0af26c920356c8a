// JSON shown as written: the text is checked against JSON's grammar (RFC 8259) and re-indented
// token by token, so every number and string keeps its exact source text. JSON.parse would turn
// 12345678901234567890 into 12345678901234567000, 1.10 into 1.1 and 99.0 into 99: a record's
// value is what its producer wrote, not what a double makes of it. Nothing is converted, so
// there is nothing to lose, and no library is needed (lossless-json is not installed here).

const WHITESPACE = /[ \t\n\r]*/y
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
// A string: no raw control characters, escapes as JSON allows them.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y
const LITERAL = /true|false|null/y

class JsonSyntaxError extends Error {}

/**
 * The JSON text re-indented by `indent` spaces, tokens verbatim (as JSON.stringify(v, null, 2)
 * lays it out, empty objects and arrays as {} and []); null when the text is not JSON.
 */
export function prettyJson(text: string, indent = 2): string | null {
  let at = 0
  const out: string[] = []

  const match = (pattern: RegExp): string | null => {
    pattern.lastIndex = at
    const m = pattern.exec(text)
    if (!m || m[0].length === 0) return null
    at += m[0].length
    return m[0]
  }
  const skipSpace = () => void match(WHITESPACE)
  const expect = (char: string) => {
    skipSpace()
    if (text[at] !== char) throw new JsonSyntaxError(`expected ${char} at ${at}`)
    at++
  }
  const newline = (depth: number) => '\n' + ' '.repeat(depth * indent)

  function value(depth: number): void {
    skipSpace()
    const char = text[at]
    if (char === '{') return container(depth, '}', () => {
      skipSpace()
      const key = match(STRING)
      if (key === null) throw new JsonSyntaxError(`expected a key at ${at}`)
      expect(':')
      out.push(key, ': ')
      value(depth + 1)
    })
    if (char === '[') return container(depth, ']', () => value(depth + 1))
    const token = match(STRING) ?? match(NUMBER) ?? match(LITERAL)
    if (token === null) throw new JsonSyntaxError(`unexpected ${char ?? 'end'} at ${at}`)
    out.push(token)
  }

  function container(depth: number, close: string, member: () => void): void {
    const open = text[at++]
    skipSpace()
    if (text[at] === close) {
      at++
      out.push(open + close)
      return
    }
    out.push(open)
    for (;;) {
      out.push(newline(depth + 1))
      member()
      skipSpace()
      if (text[at] === ',') {
        at++
        out.push(',')
        continue
      }
      expect(close)
      out.push(newline(depth), close)
      return
    }
  }

  try {
    value(0)
    skipSpace()
    return at === text.length ? out.join('') : null
  } catch (error) {
    if (error instanceof JsonSyntaxError) return null
    throw error
  }
}
