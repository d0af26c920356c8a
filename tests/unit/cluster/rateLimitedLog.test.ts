import { expect, it } from 'vitest'
import { rateLimitedLog } from '../../../main/cluster/rateLimitedLog'

it('lets through perSecond lines a second and reports how many it held back', () => {
  const lines: string[] = []
  let t = 10_000
  const log = rateLimitedLog((l) => lines.push(l), 3, () => t)
  for (let i = 0; i < 10; i++) log(`line ${i}`)
  expect(lines).toEqual(['line 0', 'line 1', 'line 2'])
  t += 1000
  log('later')
  expect(lines.at(-1)).toBe('later (7 similar lines suppressed before this one)')
  log('again')
  expect(lines.at(-1)).toBe('again')
})
