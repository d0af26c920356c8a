// Issue "Console views" benchmark: the console stays smooth with 1,000 topics of 12 partitions
// (replication factor 3 on 3 brokers: 36,000 replicas). Against a real `brokerlab serve` in
// Debian's Chromium, it measures what a refresh costs (the snapshot's size and time) and the
// frames while scrolling the topic list and while pages sit with live updates, against the
// reference measured in the same run: the frame interval of an idle page in the same browser
// (the display's refresh, the physical limit of smoothness).
import { chromium, type Page } from 'playwright-core'
import { CHROMIUM, chromiumMissing } from '../tests/e2e/browser'
import { startServe, type Serve } from '../tests/e2e/serve'

const TOPICS = 1000
const PARTITIONS = 12
const CREATE_CONCURRENCY = 16
/** How long each view is watched. */
export const IDLE_MS = 10_000
/** Smooth: at least 90% of the reference frame rate. */
const TARGET = 0.9

export interface FrameResult {
  name: string
  p50: number
  p95: number
  /** Frames that took longer than 1.5 reference intervals (a dropped frame at least). */
  slowFrames: number
  frames: number
  /** Long tasks (over 50 ms) and their total blocking time over the run. */
  longTasks: number
  blockingMs: number
  ratio: number
}

export const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]

async function createTopics(serve: Serve): Promise<number> {
  const started = performance.now()
  let next = 0
  const worker = async () => {
    while (next < TOPICS) {
      const name = `bench-${String(next++).padStart(4, '0')}`
      const response = await serve.api('topic:create', { name, partitions: PARTITIONS, replicationFactor: 3 })
      if (response.status !== 200) throw new Error(`topic:create ${name}: ${await response.text()}`)
    }
  }
  await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, worker))
  return (performance.now() - started) / 1000
}

interface Observed {
  intervals: number[]
  longTasks: number
  blockingMs: number
}

/**
 * Animation-frame intervals and long tasks (over 50 ms) while the page runs for `ms` with its
 * live updates, calling `step` (page code) before each frame.
 */
export function observe(page: Page, ms: number, step: string | null): Promise<Observed> {
  // Page code as text: the bench runs under tsx, whose helpers do not exist in the page.
  return page.evaluate(`new Promise((resolve) => {
    const advance = () => { ${step ?? ''} }
    const observed = { intervals: [], longTasks: 0, blockingMs: 0 }
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        observed.longTasks++
        observed.blockingMs += entry.duration - 50
      }
    })
    observer.observe({ type: 'longtask' })
    const started = performance.now()
    let last = started
    const tick = (now) => {
      if (now > started) observed.intervals.push(now - last)
      last = now
      if (now - started >= ${ms}) {
        observer.disconnect()
        return resolve(observed)
      }
      advance()
      requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })`) as Promise<Observed>
}

/** The frame interval of an idle page (the median over 2 s): the display's refresh, the limit of smoothness. */
export async function referenceFrame(page: Page): Promise<number> {
  await page.setContent('<main style="height:4000px">reference</main>')
  return percentile((await observe(page, 2000, null)).intervals, 0.5)
}

export function frameResult(name: string, observed: Observed, reference: number): FrameResult {
  const { intervals } = observed
  const mean = intervals.reduce((a, b) => a + b, 0) / intervals.length
  return {
    name,
    p50: percentile(intervals, 0.5),
    p95: percentile(intervals, 0.95),
    slowFrames: intervals.filter((ms) => ms > reference * 1.5).length,
    frames: intervals.length,
    longTasks: observed.longTasks,
    blockingMs: observed.blockingMs,
    // The frame rate reached over the reference's: 1 when no frame was late.
    ratio: Math.min(1, reference / mean),
  }
}

async function snapshotCost(serve: Serve): Promise<{ bytes: number; ms: number }> {
  const times: number[] = []
  let bytes = 0
  for (let i = 0; i < 5; i++) {
    const started = performance.now()
    const body = await (await serve.api('cluster:snapshot', {})).text()
    times.push(performance.now() - started)
    bytes = body.length
  }
  return { bytes, ms: percentile(times, 0.5) }
}

export async function benchConsoleLists(): Promise<{ results: FrameResult[]; notes: string[] }> {
  if (chromiumMissing) return { results: [], notes: [`skipped: no ${CHROMIUM} (apt-get install -y chromium)`] }
  const serve = await startServe(3)
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] })
  try {
    const created = await createTopics(serve)
    const snapshot = await snapshotCost(serve)
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })

    const reference = await referenceFrame(page)

    const results: FrameResult[] = []
    await page.goto(`${serve.url}#/topics`)
    await page.locator('[data-testid=topic-list-row]').first().waitFor({ timeout: 60_000 })
    // 120 px a frame, from the top again at the bottom: rows keep entering the window.
    const scroll = `const list = document.querySelector('[data-testid=topic-scroll]')
      list.scrollTop = list.scrollTop + list.clientHeight >= list.scrollHeight ? 0 : list.scrollTop + 120`
    results.push(frameResult(`Topics: scrolling the list of ${TOPICS.toLocaleString('en-US')} topics`, await observe(page, IDLE_MS, scroll), reference))
    for (const [name, route] of [
      ['Topics: live updates', '#/topics'],
      ['Overview: live updates', '#/'],
      ['Topic detail: live updates', '#/topics/bench-0500'],
    ] as const) {
      await page.goto(`${serve.url}${route}`)
      await page.waitForTimeout(2000)
      results.push(frameResult(name, await observe(page, IDLE_MS, null), reference))
    }
    const notes = [
      `${TOPICS} topics × ${PARTITIONS} partitions, RF 3, created through topic:create in ${created.toFixed(1)} s`,
      `cluster:snapshot: ${(snapshot.bytes / 1e6).toFixed(2)} MB, ${snapshot.ms.toFixed(0)} ms (median of 5, over HTTP)`,
      `reference frame interval (idle page, same browser): ${reference.toFixed(1)} ms`,
    ]
    return { results, notes }
  } finally {
    await browser.close()
    await serve.stop()
  }
}

export function printFrames(title: string, results: FrameResult[]): boolean {
  console.log(`\n## ${title}\n`)
  console.log('| view (10 s each) | p50 frame ms | p95 frame ms | slow frames | long tasks | blocking ms | frame rate ratio | target |')
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|')
  let met = true
  for (const r of results) {
    if (r.ratio < TARGET) met = false
    console.log(
      `| ${r.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.slowFrames}/${r.frames} | ${r.longTasks} | ${r.blockingMs.toFixed(0)} | ${r.ratio.toFixed(2)} | >= ${TARGET}${r.ratio >= TARGET ? ' ✓' : ' ✗'} |`,
    )
  }
  return met
}
