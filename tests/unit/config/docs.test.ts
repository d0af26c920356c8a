import { describe, it, expect } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { renderConfigTables } from '../../../main/cluster/config'
import { DOC_TABLES_BEGIN, DOC_TABLES_END } from '../../../main/cluster/config/docTable'

const DOC = fileURLToPath(new URL('../../../docs/configs.md', import.meta.url))

// BROKERLAB_UPDATE_DOCS=1 npx vitest run tests/unit/config/docs.test.ts regenerates the tables.
describe('docs/configs.md', () => {
  it('lists exactly the supported configs', () => {
    const doc = readFileSync(DOC, 'utf8')
    const start = doc.indexOf(DOC_TABLES_BEGIN)
    const end = doc.indexOf(DOC_TABLES_END) + DOC_TABLES_END.length
    expect(start, 'generated block markers').toBeGreaterThanOrEqual(0)
    if (process.env.BROKERLAB_UPDATE_DOCS === '1') {
      writeFileSync(DOC, doc.slice(0, start) + renderConfigTables() + doc.slice(end))
    }
    expect(readFileSync(DOC, 'utf8')).toContain(renderConfigTables())
  })
})
