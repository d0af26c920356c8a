import { it } from 'vitest'
import { RawClient } from '../helpers/rawClient'
import { misuseScenarios } from './txnMisuse'
it('dev', async () => {
  const b = (await import('node:fs')).readFileSync('/tmp/txnacc/dev.env', 'utf8').trim()
  const fake: any = {
    async requestBoth(to: any, apiKey: any, body: any) { const v = await to.kafka.request(apiKey, 5, body); return { version: 5, answers: { kafka: { ok: true, value: v }, brokerlab: { ok: false, error: 'x' } } } },
    async connect(bs: any) { return { kafka: await RawClient.connect(bs.kafka), brokerlab: await RawClient.connect(bs.kafka) } },
    check(scenario: string, check: string, request: string, k: any) { console.log(check.padEnd(80), '|', request, request.startsWith('Produce') ? JSON.stringify(k, (_, v) => typeof v === 'bigint' ? v.toString() : v) : '') },
  }
  const to = { kafka: await RawClient.connect(b), brokerlab: await RawClient.connect(b) }
  await misuseScenarios(fake, to, { kafka: b, brokerlab: b })
}, 300_000)
