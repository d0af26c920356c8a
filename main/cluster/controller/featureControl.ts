// Finalized features (Kafka's FeatureControlManager): UpdateFeatures validated as Kafka 4.4's
// controller validates it, every feature or none, stored as FeatureLevelRecords; and the
// levels a new cluster starts at. All of Brokerlab's brokers run this same software, so what
// this controller supports is what the whole cluster supports.
import { ErrorCode } from '../errors'
import { SUPPORTED_FEATURES, supportedFeature } from '../metadata/features'
import type { FeatureLevelRecord } from '../metadata/records'
import type { UpdateFeaturesRequest, UpdateFeaturesResponse } from './api'
import type { ControllerResult, ImageSource } from './result'

/** Kafka's FeatureUpdate.UpgradeType codes; any other is UNKNOWN. */
export const UpgradeType = { UPGRADE: 1, SAFE_DOWNGRADE: 2, UNSAFE_DOWNGRADE: 3 } as const

const OK: UpdateFeaturesResponse = { errorCode: ErrorCode.NONE, errorMessage: null }

export class FeatureControlManager {
  constructor(
    private readonly metadata: ImageSource,
    private readonly controllerId: number,
  ) {}

  /** The levels of a freshly formatted Kafka 4.4 cluster, for a log that never finalized any. */
  bootstrapRecords(): ControllerResult<void> {
    const records = SUPPORTED_FEATURES.filter((f) => f.bootstrapLevel > 0).map((f): FeatureLevelRecord => ({ type: 'FeatureLevelRecord', name: f.name, featureLevel: f.bootstrapLevel }))
    return { records, response: undefined, cause: { text: 'bootstrap: the finalized feature levels of a new cluster' } }
  }

  /** Kafka's updateFeatures: the first invalid update fails them all, with its reason; validateOnly writes nothing. */
  updateFeatures(request: UpdateFeaturesRequest): ControllerResult<UpdateFeaturesResponse> {
    const records: FeatureLevelRecord[] = []
    for (const update of request.updates) {
      const reason = this.reasonInvalid(update.feature, update.maxVersionLevel, update.upgradeType)
      if (reason) {
        const errorMessage = `The update failed for all features since the following feature had an error: Invalid update version ${update.maxVersionLevel} for feature ${update.feature}. ${reason}`
        return { records: [], response: { errorCode: ErrorCode.INVALID_UPDATE_VERSION, errorMessage }, cause: { text: 'UpdateFeatures' } }
      }
      records.push({ type: 'FeatureLevelRecord', name: update.feature, featureLevel: update.maxVersionLevel })
    }
    return { records: request.validateOnly ? [] : records, response: OK, cause: { text: 'UpdateFeatures' } }
  }

  /** Kafka's checks, in its order: the upgrade type, the level's sign, support, then the direction. */
  private reasonInvalid(name: string, level: number, upgradeType: number): string | null {
    if (!Object.values(UpgradeType).includes(upgradeType as never)) return 'The controller does not support the given upgrade type.'
    if (level < 0) return 'A feature version cannot be less than 0.'
    const feature = supportedFeature(name)
    // Kafka's QuorumFeatures: an unknown feature's range is 0-0 (disabled).
    const max = feature?.maxVersion ?? 0
    if (level < (feature?.minVersion ?? 0) || level > max) {
      return max === 0 ? `Local controller ${this.controllerId} does not support this feature.` : `Local controller ${this.controllerId} only supports versions ${feature!.minVersion}-${max}`
    }
    if (!feature) return `Unknown feature ${name}.`
    const current = this.metadata.image.finalizedLevel(name)
    if (level < current && upgradeType === UpgradeType.UPGRADE) return "Can't downgrade the version of this feature without setting the upgrade type to either safe or unsafe downgrade."
    if (level > current && upgradeType !== UpgradeType.UPGRADE) return "Can't downgrade to a newer version."
    return null
  }
}
