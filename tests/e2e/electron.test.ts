// The desktop app itself, driven by Playwright's Electron launcher: the window opens on the
// embedded cluster and shows its brokers. It needs the Electron binary and a display; where
// either is missing (these offline CI machines) the test is reported skipped with the reason.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { _electron as electron } from 'playwright-core'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

function electronBinary(): string | null {
  const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

const binary = electronBinary()
const display = process.platform !== 'linux' || !!process.env.DISPLAY || !!process.env.WAYLAND_DISPLAY
const reason = !binary ? 'the Electron binary is not installed (it downloads from GitHub, which this machine cannot reach)' : !display ? 'there is no display' : ''

describe.skipIf(!!reason)(`desktop app${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('opens one hardened window on the embedded cluster', async () => {
    const app = await electron.launch({ executablePath: binary!, args: [root], env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' } })
    try {
      const window = await app.firstWindow()
      await expect.poll(() => window.title(), { timeout: 20_000 }).toBe('Brokerlab')
      await window.getByTestId('broker-card').first().waitFor({ timeout: 30_000 })
      expect(await window.getByTestId('broker-card').count()).toBe(3)
      // The page has no Node: the preload exposes the contract and nothing else.
      expect(await window.evaluate(() => [typeof (globalThis as { require?: unknown }).require, Object.keys((globalThis as { brokerlab?: object }).brokerlab ?? {}).sort()])).toEqual([
        'undefined',
        ['call', 'onEvent', 'version'],
      ])
    } finally {
      await app.close()
    }
  }, 120_000)
})
