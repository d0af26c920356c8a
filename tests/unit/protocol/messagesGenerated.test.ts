// The checked-in codec is exactly what the generator makes from Kafka's definitions, so the
// two never drift: regenerate with `node --import tsx main/cluster/protocol/generator/generate.ts`.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_OUT_DIR, DEFAULT_SCHEMA_DIR, GENERATED_MARK, generateFiles, writeGenerated } from '../../../main/cluster/protocol/generator/generate'

const haveSchemas = existsSync(DEFAULT_SCHEMA_DIR)

describe.skipIf(!haveSchemas)(`generated sources (schemas from ${DEFAULT_SCHEMA_DIR})`, () => {
  const outDir = mkdtempSync(join(tmpdir(), 'brokerlab-messages-'))
  afterAll(() => rmSync(outDir, { recursive: true, force: true }))

  it('match a fresh generation, file for file', () => {
    // A stale generated file (an API since dropped) is removed; hand-written ones are kept.
    writeFileSync(join(outDir, 'dropped.ts'), `${GENERATED_MARK}\n`)
    writeFileSync(join(outDir, 'io.ts'), '// hand-written\n')
    writeGenerated(generateFiles(DEFAULT_SCHEMA_DIR), outDir)
    const generated = readdirSync(outDir).filter((name) => name !== 'io.ts').sort()
    expect(generated).not.toContain('dropped.ts')
    const checkedIn = readdirSync(DEFAULT_OUT_DIR).filter((name) => readFileSync(join(DEFAULT_OUT_DIR, name), 'utf8').startsWith(GENERATED_MARK)).sort()
    expect(checkedIn).toEqual(generated)
    for (const name of generated) {
      expect(readFileSync(join(DEFAULT_OUT_DIR, name), 'utf8'), `${name} differs from the generator's output: regenerate`).toBe(readFileSync(join(outDir, name), 'utf8'))
    }
  })
})

if (!haveSchemas) {
  it.skip(`the drift check needs Kafka's message definitions at ${DEFAULT_SCHEMA_DIR} (CI has them)`, () => {})
}
