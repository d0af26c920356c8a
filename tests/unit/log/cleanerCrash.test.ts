// SIGKILL at random points of cleaning rounds (a child process cleaning a real log): after
// every restart the log reads exactly as before the round it was in or exactly as after it,
// and the next run cleans on from there.
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { expectedAfterCleaning } from '../../helpers/cleaning'
import { logFixture, readRecords } from '../../helpers/log'
import { seededRandom } from '../../helpers/random'

let fixture: ReturnType<typeof logFixture>
afterEach(() => fixture?.cleanup())

const child = fileURLToPath(new URL('../../helpers/crashCleaner.ts', import.meta.url))
const CRASHES = 30

/** Runs the child until it has started round `round`, waits `delayMs`, SIGKILLs it; returns its last line. */
function cleanUntilKilled(dir: string, run: number, round: number, delayMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, String(run)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let stderr = ''
    let armed = false
    proc.stderr.on('data', (d) => (stderr += d))
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (!armed && out.includes(`R ${round}\n`)) {
        armed = true
        setTimeout(() => proc.kill('SIGKILL'), delayMs)
      }
    })
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(out.trim().split('\n').at(-1) ?? '')
      else reject(new Error(`cleaner child exited with ${code}: ${stderr}`))
    })
  })
}

describe('cleaner crash safety', () => {
  it(`after ${CRASHES} SIGKILLs during cleaning rounds, the log is each time exactly as before or after the round`, async () => {
    fixture = logFixture()
    const random = seededRandom(18)
    const outcomes = { before: 0, after: 0, swapsFound: 0, cleanedFound: 0 }
    for (let run = 0; run < CRASHES; run++) {
      const last = await cleanUntilKilled(fixture.dir, run, random.int(3), random.int(300))
      const [phase, round] = last.split(' ')
      const files = readdirSync(join(fixture.dir, 'topic-0'))
      if (files.some((f) => f.endsWith('.swap'))) outcomes.swapsFound++
      if (files.some((f) => f.endsWith('.cleaned'))) outcomes.cleanedFound++

      const saved = JSON.parse(readFileSync(join(fixture.dir, `before-${run}-${round}.json`), 'utf8')) as {
        leo: number
        uncleanable: number
        records: Array<{ offset: number; key: string | null; value: string | null }>
      }
      const after = expectedAfterCleaning(saved.records, saved.uncleanable)
      fixture.reopenStore()
      const log = fixture.open()
      // Appends of the next round may follow the round's end: only what the round covered is compared.
      const now = readRecords(log).filter((r) => r.offset < saved.leo)
      const asBefore = JSON.stringify(now) === JSON.stringify(saved.records)
      const asAfter = JSON.stringify(now) === JSON.stringify(after)
      expect(asBefore || asAfter, `run ${run}, killed after "${last}"`).toBe(true)
      if (phase === 'D') expect(asAfter, `run ${run}: the round was done`).toBe(true)
      if (asAfter) outcomes.after++
      else outcomes.before++
      expect(readdirSync(join(fixture.dir, 'topic-0')).filter((f) => /\.(cleaned|swap)$/.test(f))).toEqual([])
      log.close()
    }
    console.log(`cleaner crashes: ${JSON.stringify(outcomes)}`)
    expect(outcomes.before + outcomes.after).toBe(CRASHES)
  }, 180_000)
})
