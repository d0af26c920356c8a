// DescribeUserScramCredentials (50), answered from this broker's metadata image as Kafka's
// ScramImage.describe does (mechanisms and iterations, never salts or keys), and
// AlterUserScramCredentials (51), forwarded to the controller. The salted passwords travel
// to the controller only, which keeps keys derived from them; nothing here logs them.
import { ErrorCode, KafkaError } from '../../errors'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

export function handleDescribeUserScramCredentials(context: BrokerContext, request: M.DescribeUserScramCredentialsRequest): M.DescribeUserScramCredentialsResponse {
  const credentials = [...context.image().scramCredentials.values()]
  // A user named twice is answered once, with DUPLICATE_RESOURCE; no users means every user.
  const users = new Map<string, boolean>()
  if (!request.users?.length) for (const c of credentials) users.set(c.name, false)
  else for (const { name } of request.users) users.set(name, users.has(name))
  const results = [...users].map(([user, duplicate]): M.DescribeUserScramCredentialsResult => {
    if (duplicate) return { user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`, credentialInfos: [] }
    const credentialInfos = credentials.filter((c) => c.name === user).sort((a, b) => a.mechanism - b.mechanism).map((c) => ({ mechanism: c.mechanism, iterations: c.iterations }))
    if (credentialInfos.length) return { user, errorCode: ErrorCode.NONE, errorMessage: '', credentialInfos }
    return { user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos: [] }
  })
  // Kafka's messages default to '' where no error is set.
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: '', results }
}

export async function handleAlterUserScramCredentials(context: BrokerContext, request: M.AlterUserScramCredentialsRequest): Promise<M.AlterUserScramCredentialsResponse> {
  const body = {
    deletions: request.deletions.map((d) => ({ name: d.name, mechanism: d.mechanism })),
    upsertions: request.upsertions.map((u) => ({ name: u.name, mechanism: u.mechanism, iterations: u.iterations, salt: u.salt.toString('base64'), saltedPassword: u.saltedPassword.toString('base64') })),
  }
  const answer = await context.forward('alterUserScramCredentials', body).catch((err) => {
    const errorCode = err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR
    const users = new Set([...body.deletions, ...body.upsertions].map((c) => c.name))
    return { results: [...users].map((user) => ({ user, errorCode, errorMessage: `The controller did not answer: ${(err as Error).message}` })) }
  })
  return { throttleTimeMs: 0, results: answer.results }
}
