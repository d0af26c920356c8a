// The whole cluster process (`brokerlab cluster`: controller and broker threads) SIGKILLed while
// its cleaner compacts a topic kcat keeps writing to, then started again on its data directory,
// five times: every key reads back with the last value kcat had acknowledged, each once below
// the active segments' records, offsets only growing, and no .cleaned or .swap file is left.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/batches'
import { kcat, kcatAvailable } from '../helpers/kcat'
import { eventually } from '../helpers/cluster'
import { freePort } from '../helpers/ports'
import { seededRandom } from '../helpers/random'

const BIN = 'main/bin/brokerlab.js'
const RESTARTS = 5
/** Every topic compacted, small segments, a cleaner that looks for work every 20 ms. */
const CONFIGS = ['log.cleanup.policy=compact', 'log.segment.bytes=4096', 'log.cleaner.min.cleanable.ratio=0.01', 'log.cleaner.backoff.ms=20', 'num.partitions=1']

let tmp: ReturnType<typeof tempDir> | undefined
let child: ChildProcess | undefined
afterEach(() => {
  child?.kill('SIGKILL')
  tmp?.remove()
})

async function startCluster(dir: string, port: number): Promise<{ bootstrap: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [BIN, 'cluster', '--data-dir', dir, '--brokers', '1', '--base-port', String(port), ...CONFIGS.flatMap((c) => ['--config', c])], { stdio: ['ignore', 'pipe', 'pipe'] })
  child = proc
  let stdout = ''
  let stderr = ''
  proc.stderr!.on('data', (d) => (stderr += d))
  const bootstrap = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      stdout += d
      const match = /^bootstrap: (.+)$/m.exec(stdout)
      if (match) resolve(match[1])
    })
    proc.on('exit', (code) => reject(new Error(`cluster exited ${code}: ${stderr}`)))
  })
  return { bootstrap, proc }
}

function kill(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    proc.on('exit', () => resolve())
    proc.kill('SIGKILL')
  })
}

async function readBack(bootstrap: string): Promise<Array<{ key: string; offset: number; value: string }>> {
  // Just after a restart the broker may not have read the topic back from the metadata log yet
  // (UNKNOWN_TOPIC_OR_PARTITION): a client asks again, as kcat's consumer would on its own.
  const read = await eventually('the topic readable again', async () => {
    const attempt = await kcat(['-b', bootstrap, '-C', '-t', 'table', '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%k %o %s\n'], undefined, 60_000)
    return attempt.status === 0 || !/Unknown topic or partition/.test(attempt.stderr) ? attempt : undefined
  }, 20_000)
  expect(read.status, read.stderr).toBe(0)
  return read.stdout.split('\n').slice(0, -1).map((line) => {
    const [key, offset, value] = line.split(' ')
    return { key, offset: Number(offset), value }
  })
}

describe.skipIf(!kcatAvailable)('cluster process killed while compacting', () => {
  it(`loses no acknowledged last value and leaves no half-done round, over ${RESTARTS} SIGKILLs`, async () => {
    tmp = tempDir()
    const port = await freePort()
    const random = seededRandom(18)
    const model = new Map<string, string>()
    let written = 0
    for (let run = 0; run < RESTARTS; run++) {
      const { bootstrap, proc } = await startCluster(tmp.dir, port)
      // The first metadata request for it creates the topic (auto.create.topics.enable).
      if (run === 0) await eventually('table created', async () => JSON.parse((await kcat(['-b', bootstrap, '-L', '-t', 'table', '-J'])).stdout).topics[0]?.partitions?.[0]?.leader === 1)
      if (run > 0) {
        const rows = await readBack(bootstrap)
        rows.forEach((r, i) => i > 0 && expect(r.offset).toBeGreaterThan(rows[i - 1].offset))
        expect(new Map(rows.map((r) => [r.key, r.value])), `after restart ${run}`).toEqual(model)
        expect(rows.at(-1)!.offset).toBe(written - 1)
      }
      // 5,000 records over 200 keys, acknowledged by every broker (acks=all), then the kill while the cleaner works on them.
      const lines = Array.from({ length: 5000 }, (_, i) => {
        const key = `k${random.int(200)}`
        const value = `${run}.${i}`
        model.set(key, value)
        return `${key}:${value}`
      })
      const produced = await kcat(['-b', bootstrap, '-P', '-t', 'table', '-p', '0', '-K', ':', '-X', 'acks=all'], lines.join('\n') + '\n', 60_000)
      expect(produced.status, produced.stderr).toBe(0)
      written += lines.length
      await new Promise((r) => setTimeout(r, random.int(200)))
      await kill(proc)
    }
    const { bootstrap, proc } = await startCluster(tmp.dir, port)
    const rows = await readBack(bootstrap)
    expect(new Map(rows.map((r) => [r.key, r.value]))).toEqual(model)
    expect(rows.length).toBeLessThan(written / 4)
    const partitionDir = join(tmp.dir, 'broker-1', 'table-0')
    expect(readdirSync(partitionDir).filter((f) => /\.(cleaned|swap)$/.test(f))).toEqual([])
    await kill(proc)
  }, 240_000)
})
