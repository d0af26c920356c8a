// Finalized features (KIP-584): the features part of ApiVersions, read from this broker's
// metadata image, and UpdateFeatures (57), forwarded to the controller as Kafka's brokers
// forward it. The controller answers once for all updates; v0-1 add a result per feature on
// success only (Kafka's "NONE" message), v2 none.
import { ErrorCode, KafkaError } from '../../errors'
import { SUPPORTED_FEATURES } from '../../metadata/features'
import type { MetadataImage } from '../../metadata/image'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

type Features = Pick<M.ApiVersionsResponse, 'supportedFeatures' | 'finalizedFeaturesEpoch' | 'finalizedFeatures'>

/** Kafka's epoch is the metadata offset the features were read at; a level of 0 is not finalized. */
export function featuresAnswer(image: MetadataImage): Features {
  return {
    supportedFeatures: SUPPORTED_FEATURES.map(({ name, minVersion, maxVersion }) => ({ name, minVersion, maxVersion })),
    finalizedFeaturesEpoch: BigInt(Math.max(0, image.offset)),
    finalizedFeatures: SUPPORTED_FEATURES.filter((f) => image.finalizedLevel(f.name) > 0).map(({ name }) => {
      const level = image.finalizedLevel(name)
      return { name, maxVersionLevel: level, minVersionLevel: level }
    }),
  }
}

/** v0 carries no upgrade type: Kafka 4.4 takes it as an upgrade whatever AllowDowngrade says. */
export async function handleUpdateFeatures(context: BrokerContext, request: M.UpdateFeaturesRequest, version: number): Promise<M.UpdateFeaturesResponse> {
  const updates = request.featureUpdates.map((u) => ({ feature: u.feature, maxVersionLevel: u.maxVersionLevel, upgradeType: version === 0 ? 1 : u.upgradeType }))
  const answer = await context.forward('updateFeatures', { updates, validateOnly: version >= 1 && request.validateOnly }).catch((err) => ({
    errorCode: err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR,
    errorMessage: `The controller did not answer: ${(err as Error).message}`,
  }))
  const results = answer.errorCode === ErrorCode.NONE && version <= 1 ? updates.map((u) => ({ feature: u.feature, errorCode: ErrorCode.NONE, errorMessage: 'NONE' })) : []
  return { throttleTimeMs: 0, errorCode: answer.errorCode, errorMessage: answer.errorMessage, results }
}
