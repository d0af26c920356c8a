// SCRAM credentials (Kafka's ScramControlManager): AlterUserScramCredentials validated as
// Kafka validates it, stored as UserScramCredentialRecords. The client sends the salted
// password (KIP-554); the controller keeps only the salt, the iterations and the stored and
// server keys derived from it (RFC 5802), as a SCRAM server needs. Brokerlab has no SASL
// listener, so the credentials are stored and described, never used to authenticate.
import { createHash, createHmac } from 'node:crypto'
import { ErrorCode, type ErrorName } from '../errors'
import type { RemoveUserScramCredentialRecord, UserScramCredentialRecord } from '../metadata/records'
import type { AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse } from './api'
import type { ControllerResult, ImageSource } from './result'

/** Kafka's ScramMechanism: type id → hash and minimum iterations. */
const MECHANISMS = new Map([
  [1, { hash: 'sha256', minIterations: 4096 }],
  [2, { hash: 'sha512', minIterations: 4096 }],
])
/** Kafka's ScramControlManager.MAX_ITERATIONS. */
const MAX_ITERATIONS = 16384

type Failure = { errorCode: number; errorMessage: string }
const fail = (name: ErrorName, errorMessage: string): Failure => ({ errorCode: ErrorCode[name], errorMessage })

type Upsertion = AlterUserScramCredentialsRequest['upsertions'][number]
type Deletion = AlterUserScramCredentialsRequest['deletions'][number]

function validateNameAndMechanism(name: string, mechanism: number): Failure | null {
  if (name === '') return fail('UNACCEPTABLE_CREDENTIAL', 'Username must not be empty')
  if (!MECHANISMS.has(mechanism)) return fail('UNSUPPORTED_SASL_MECHANISM', 'Unknown SCRAM mechanism')
  return null
}

function validateUpsertion(u: Upsertion): Failure | null {
  const error = validateNameAndMechanism(u.name, u.mechanism)
  if (error) return error
  if (u.iterations < MECHANISMS.get(u.mechanism)!.minIterations) return fail('UNACCEPTABLE_CREDENTIAL', 'Too few iterations')
  if (u.iterations > MAX_ITERATIONS) return fail('UNACCEPTABLE_CREDENTIAL', 'Too many iterations')
  return null
}

/** RFC 5802: StoredKey = H(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key"). */
function credentialRecord(u: Upsertion): UserScramCredentialRecord {
  const { hash } = MECHANISMS.get(u.mechanism)!
  const salted = Buffer.from(u.saltedPassword, 'base64')
  const clientKey = createHmac(hash, salted).update('Client Key').digest()
  return {
    type: 'UserScramCredentialRecord',
    name: u.name,
    mechanism: u.mechanism,
    salt: u.salt,
    storedKey: createHash(hash).update(clientKey).digest('base64'),
    serverKey: createHmac(hash, salted).update('Server Key').digest('base64'),
    iterations: u.iterations,
  }
}

export class ScramControlManager {
  constructor(private readonly metadata: ImageSource) {}

  /** As Kafka: deletions first, then upsertions; a user named twice fails with DUPLICATE_RESOURCE. */
  alterUserScramCredentials(request: AlterUserScramCredentialsRequest): ControllerResult<AlterUserScramCredentialsResponse> {
    const deletions = new Map<string, Deletion>()
    const upsertions = new Map<string, Upsertion>()
    const errors = new Map<string, Failure>()
    const twice = fail('DUPLICATE_RESOURCE', 'A user credential cannot be altered twice in the same request')
    for (const d of request.deletions) {
      if (errors.has(d.name)) continue
      if (deletions.delete(d.name)) {
        errors.set(d.name, twice)
        continue
      }
      const error = this.validateDeletion(d)
      if (error) errors.set(d.name, error)
      else deletions.set(d.name, d)
    }
    for (const u of request.upsertions) {
      if (errors.has(u.name)) continue
      if (deletions.delete(u.name) || upsertions.delete(u.name)) {
        errors.set(u.name, twice)
        continue
      }
      const error = validateUpsertion(u)
      if (error) errors.set(u.name, error)
      else upsertions.set(u.name, u)
    }
    const records: Array<UserScramCredentialRecord | RemoveUserScramCredentialRecord> = [
      ...[...deletions.values()].map((d): RemoveUserScramCredentialRecord => ({ type: 'RemoveUserScramCredentialRecord', name: d.name, mechanism: d.mechanism })),
      ...[...upsertions.values()].map(credentialRecord),
    ]
    const results = [
      ...[...deletions.keys(), ...upsertions.keys()].map((user) => ({ user, errorCode: 0, errorMessage: null })),
      ...[...errors].map(([user, e]) => ({ user, ...e })),
    ]
    return { records, response: { results }, cause: { text: 'AlterUserScramCredentials' } }
  }

  private validateDeletion(d: Deletion): Failure | null {
    const error = validateNameAndMechanism(d.name, d.mechanism)
    if (error) return error
    if (!this.metadata.image.scramCredential(d.name, d.mechanism)) return fail('RESOURCE_NOT_FOUND', 'Attempt to delete a user credential that does not exist')
    return null
  }
}
