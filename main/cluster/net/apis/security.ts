// The security APIs, answered as Kafka answers them on a PLAINTEXT listener of a cluster
// without an authorizer (Brokerlab has neither SASL nor ACLs): ACLs are SECURITY_DISABLED,
// SASL requests after the (implicit) authentication are ILLEGAL_SASL_STATE and the
// connection stays open, and delegation tokens are refused because the request did not
// come over an authenticated SASL connection (Kafka's KafkaApis.allowTokenRequests).
import { ErrorCode, KafkaError } from '../../errors'
import type * as M from '../../protocol/messages'

/** Every client of a PLAINTEXT listener is Kafka's anonymous principal. */
const ANONYMOUS = { principalType: 'User', principalName: 'ANONYMOUS' }
/** Kafka's DelegationTokenManager.ErrorTimestamp. */
const ERROR_TIMESTAMP = -1n

/** The UNKNOWN (0) code of ResourceType, PatternType, AclOperation and AclPermissionType. */
const UNKNOWN = 0

/**
 * Kafka's ACL requests refuse UNKNOWN elements while parsing, before any handler: the
 * broker cannot read the request, and closes the connection.
 */
function refuseUnknown(what: string, items: Array<{ resourceType: number; patternType: number; operation: number; permissionType: number }>): void {
  if (items.some((i) => i.resourceType === UNKNOWN || i.patternType === UNKNOWN || i.operation === UNKNOWN || i.permissionType === UNKNOWN)) {
    throw new KafkaError('INVALID_REQUEST', `${what} contain UNKNOWN elements`)
  }
}

export function handleDescribeAcls(_context: unknown, request: M.DescribeAclsRequest): M.DescribeAclsResponse {
  refuseUnknown('DescribeAcls filters', [{ resourceType: request.resourceTypeFilter, patternType: request.patternTypeFilter, operation: request.operation, permissionType: request.permissionType }])
  return { throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured on the broker', resources: [] }
}

export function handleCreateAcls(_context: unknown, request: M.CreateAclsRequest): M.CreateAclsResponse {
  refuseUnknown('CreatableAcls', request.creations.map((c) => ({ ...c, patternType: c.resourcePatternType })))
  // Kafka's controller answers (CreateAcls is forwarded to it), one result per creation.
  return { throttleTimeMs: 0, results: request.creations.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.' })) }
}

export function handleDeleteAcls(_context: unknown, request: M.DeleteAclsRequest): M.DeleteAclsResponse {
  refuseUnknown('DeleteAcls filters', request.filters.map((f) => ({ resourceType: f.resourceTypeFilter, patternType: f.patternTypeFilter, operation: f.operation, permissionType: f.permissionType })))
  return {
    throttleTimeMs: 0,
    filterResults: request.filters.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.', matchingAcls: [] })),
  }
}

/** A PLAINTEXT connection counts as authenticated from its start: a handshake comes too late. */
export function handleSaslHandshake(): M.SaslHandshakeResponse {
  return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] }
}

export function handleSaslAuthenticate(): M.SaslAuthenticateResponse {
  return {
    errorCode: ErrorCode.ILLEGAL_SASL_STATE,
    errorMessage: 'SaslAuthenticate request received after successful authentication',
    authBytes: Buffer.alloc(0),
    sessionLifetimeMs: 0n,
  }
}

export function handleCreateDelegationToken(_context: unknown, request: M.CreateDelegationTokenRequest): M.CreateDelegationTokenResponse {
  // The owner is the one named, else the requester, as Kafka reports it in the refusal.
  const owner = request.ownerPrincipalName ? { principalType: request.ownerPrincipalType ?? '', principalName: request.ownerPrincipalName } : ANONYMOUS
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED,
    ...owner,
    tokenRequesterPrincipalType: ANONYMOUS.principalType,
    tokenRequesterPrincipalName: ANONYMOUS.principalName,
    issueTimestampMs: ERROR_TIMESTAMP,
    expiryTimestampMs: ERROR_TIMESTAMP,
    maxTimestampMs: ERROR_TIMESTAMP,
    tokenId: '',
    hmac: Buffer.alloc(0),
  }
}

export function handleRenewDelegationToken(): M.RenewDelegationTokenResponse {
  return { throttleTimeMs: 0, errorCode: ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED, expiryTimestampMs: ERROR_TIMESTAMP }
}

export function handleExpireDelegationToken(): M.ExpireDelegationTokenResponse {
  return { throttleTimeMs: 0, errorCode: ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED, expiryTimestampMs: ERROR_TIMESTAMP }
}

export function handleDescribeDelegationToken(): M.DescribeDelegationTokenResponse {
  return { throttleTimeMs: 0, errorCode: ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED, tokens: [] }
}
