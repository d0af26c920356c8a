import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../../main/cluster/errors'
import { Harness } from './harness'

const FAILED = 'The update failed for all features since the following feature had an error: Invalid update version'
const update = (feature: string, maxVersionLevel: number, upgradeType = 1) => ({ feature, maxVersionLevel, upgradeType })
const levels = (h: Harness) => Object.fromEntries(h.controller.image.finalizedFeatures)

describe('finalized features (FeatureControlManager)', () => {
  it('starts a new cluster at Kafka 4.4\'s levels of the features Brokerlab has', () => {
    const h = new Harness()
    expect(levels(h)).toEqual({ 'group.version': 1, 'share.version': 2, 'transaction.version': 2 })
  })

  it('refuses as Kafka 4.4 refuses, every update or none', () => {
    const h = new Harness()
    const refused = (updates: ReturnType<typeof update>[]) => h.controller.updateFeatures({ updates, validateOnly: false })
    expect(refused([update('no.such', 1)])).toEqual({ errorCode: ErrorCode.INVALID_UPDATE_VERSION, errorMessage: `${FAILED} 1 for feature no.such. Local controller 3000 does not support this feature.` })
    expect(refused([update('group.version', 5)])).toEqual({ errorCode: ErrorCode.INVALID_UPDATE_VERSION, errorMessage: `${FAILED} 5 for feature group.version. Local controller 3000 only supports versions 0-1` })
    expect(refused([update('transaction.version', 1)]).errorMessage).toBe(`${FAILED} 1 for feature transaction.version. Can't downgrade the version of this feature without setting the upgrade type to either safe or unsafe downgrade.`)
    expect(refused([update('group.version', -1, 3)]).errorMessage).toBe(`${FAILED} -1 for feature group.version. A feature version cannot be less than 0.`)
    expect(refused([update('group.version', 1, 9)]).errorMessage).toBe(`${FAILED} 1 for feature group.version. The controller does not support the given upgrade type.`)
    expect(refused([update('kraft.version', 1)]).errorCode).toBe(ErrorCode.INVALID_UPDATE_VERSION)
    expect(refused([update('transaction.version', 1, 2), update('no.such', 1)]).errorCode).toBe(ErrorCode.INVALID_UPDATE_VERSION)
    expect(levels(h)).toEqual({ 'group.version': 1, 'share.version': 2, 'transaction.version': 2 })
  })

  it('downgrades with a downgrade type, validates only when asked, and keeps levels across a restart', () => {
    const h = new Harness(undefined, {}, { snapshotEvery: 3 })
    expect(h.controller.updateFeatures({ updates: [update('group.version', 0, 2)], validateOnly: true })).toEqual({ errorCode: 0, errorMessage: null })
    expect(levels(h)['group.version']).toBe(1)
    expect(h.controller.updateFeatures({ updates: [update('group.version', 0, 2), update('transaction.version', 1, 3)], validateOnly: false })).toEqual({ errorCode: 0, errorMessage: null })
    expect(levels(h)).toEqual({ 'group.version': 0, 'share.version': 2, 'transaction.version': 1 })
    h.startBrokers(1, 2) // records past a snapshot
    h.close()
    h.reopen()
    // A log that finalized its features is not bootstrapped again, even with levels of 0.
    expect(levels(h)).toEqual({ 'group.version': 0, 'share.version': 2, 'transaction.version': 1 })
    expect(h.controller.image.finalizedLevel('group.version')).toBe(0)
    expect(h.controller.updateFeatures({ updates: [update('group.version', 1), update('transaction.version', 2)], validateOnly: false }).errorCode).toBe(0)
    expect(levels(h)).toEqual({ 'group.version': 1, 'share.version': 2, 'transaction.version': 2 })
  })
})
