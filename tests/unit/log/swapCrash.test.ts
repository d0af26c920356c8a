// A SIGKILL before each file operation of a cleaning round's commit (every rename of .cleaned
// to .swap, every rename of a replaced segment to .deleted, every rename of .swap to its plain
// name, every removal of a .deleted file): after
// each, the log reads exactly as before the round or exactly as after it, and from the first
// .swap on, as after it.
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { expectedAfterCleaning } from '../../helpers/cleaning'
import { logFixture, readRecords } from '../../helpers/log'

let fixture: ReturnType<typeof logFixture>
afterEach(() => fixture?.cleanup())

const child = fileURLToPath(new URL('../../helpers/crashSwap.ts', import.meta.url))

function runUntil(dir: string, killAt: number): Promise<{ killed: boolean; ops: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, String(killAt)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let stderr = ''
    proc.stdout.on('data', (d) => (out += d))
    proc.stderr.on('data', (d) => (stderr += d))
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true, ops: killAt })
      else if (code === 0) resolve({ killed: false, ops: Number(/done (\d+)/.exec(out)?.[1]) })
      else reject(new Error(`swap child exited with ${code}: ${stderr}`))
    })
  })
}

describe('cleaning round commit', () => {
  it('is atomic: killed before any one of its file operations, the log reads as before or as after', async () => {
    const outcomes: string[] = []
    for (let killAt = 0; ; killAt++) {
      fixture?.cleanup()
      fixture = logFixture()
      const { killed, ops } = await runUntil(fixture.dir, killAt)
      const saved = JSON.parse(readFileSync(join(fixture.dir, 'before.json'), 'utf8')) as { uncleanable: number; records: Array<{ offset: number; key: string | null; value: string | null }> }
      const after = expectedAfterCleaning(saved.records, saved.uncleanable)
      expect(after.length).toBeLessThan(saved.records.length)
      const swapped = readdirSync(join(fixture.dir, 'topic-0')).some((f) => f.endsWith('.swap'))
      fixture.reopenStore()
      const log = fixture.open()
      const now = readRecords(log)
      log.close()
      const state = JSON.stringify(now) === JSON.stringify(after) ? 'after' : JSON.stringify(now) === JSON.stringify(saved.records) ? 'before' : 'neither'
      outcomes.push(`${killAt}:${state}${swapped ? '(swap)' : ''}`)
      expect(state, `killed before operation ${killAt}`).not.toBe('neither')
      if (swapped) expect(state, `killed before operation ${killAt}, with .swap files`).toBe('after')
      expect(readdirSync(join(fixture.dir, 'topic-0')).filter((f) => /\.(cleaned|swap)$/.test(f))).toEqual([])
      if (!killed) {
        expect(state).toBe('after')
        console.log(`commit of ${ops} file operations; after a kill before each: ${outcomes.join(' ')}`)
        expect(ops).toBeGreaterThan(6)
        break
      }
    }
  }, 300_000)
})
