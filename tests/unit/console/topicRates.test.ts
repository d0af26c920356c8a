// Messages in per second per topic from the growth of its end offsets between snapshots.
import { describe, expect, it } from 'vitest'
import type { TopicSummary } from '../../../preload/contract'
import { emptyEndOffsets, topicRates } from '../../../renderer/src/stores/topicRates'

const topic = (name: string, endOffset: number | null, topicId = `${name}-id`): TopicSummary => ({
  name,
  topicId,
  internal: false,
  partitions: 1,
  replicationFactor: 1,
  underReplicated: 0,
  offline: 0,
  messages: endOffset,
  endOffset,
  size: null,
})

describe('topicRates', () => {
  it('divides the growth of each topic’s end offsets by the time between snapshots', () => {
    const baseline = emptyEndOffsets()
    expect(topicRates(baseline, [topic('orders', 100), topic('audit', 5)], 10_000)).toBeNull()
    // Too soon after the last: folded into the next interval.
    expect(topicRates(baseline, [topic('orders', 150), topic('audit', 5)], 10_500)).toBeNull()
    expect(topicRates(baseline, [topic('orders', 300), topic('audit', 5)], 12_000)).toEqual(
      new Map([
        ['orders', 100],
        ['audit', 0],
      ]),
    )
  })

  it('counts nothing for a topic that is new, recreated, or without an answering leader', () => {
    const baseline = emptyEndOffsets()
    topicRates(baseline, [topic('orders', 100), topic('gone', 40)], 0)
    const rates = topicRates(baseline, [topic('orders', 10, 'recreated'), topic('fresh', 50), topic('gone', null)], 2000)!
    expect([...rates]).toEqual([])
  })
})
