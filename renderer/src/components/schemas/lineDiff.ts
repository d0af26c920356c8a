// A side-by-side line diff of two schema texts: the longest common subsequence of their
// lines, then rows pairing what was removed on the left with what was added on the right.

export interface DiffSide {
  line: number
  text: string
}
export interface DiffRow {
  kind: 'same' | 'removed' | 'added' | 'changed'
  left: DiffSide | null
  right: DiffSide | null
}

/** JSON schemas (Avro, JSON Schema) one key a line, so a diff is by field; other text as it is. */
export function schemaLines(schema: string): string[] {
  try {
    return JSON.stringify(JSON.parse(schema), null, 2).split('\n')
  } catch {
    return schema.split('\n')
  }
}

export function lineDiff(a: string[], b: string[]): DiffRow[] {
  const n = a.length
  const m = b.length
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
  const rows: DiffRow[] = []
  let removed: DiffSide[] = []
  let added: DiffSide[] = []
  const flush = () => {
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      const left = removed[k] ?? null
      const right = added[k] ?? null
      rows.push({ kind: left && right ? 'changed' : left ? 'removed' : 'added', left, right })
    }
    removed = []
    added = []
  }
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush()
      rows.push({ kind: 'same', left: { line: i + 1, text: a[i] }, right: { line: j + 1, text: b[j] } })
      i++
      j++
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      added.push({ line: j + 1, text: b[j] })
      j++
    } else {
      removed.push({ line: i + 1, text: a[i] })
      i++
    }
  }
  flush()
  return rows
}
