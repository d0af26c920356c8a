import type { ContractError } from '../../../preload/contract'

/** A failed contract call, carrying the ContractError's fields so views can name the field or Kafka error. */
export class ContractCallError extends Error {
  readonly kind: ContractError['kind']
  readonly errorName?: string
  readonly field?: string

  constructor(error: ContractError) {
    super(error.message)
    this.name = 'ContractCallError'
    this.kind = error.kind
    this.errorName = error.errorName
    this.field = error.field
  }
}

function isContractError(value: unknown): value is ContractError {
  return typeof value === 'object' && value !== null && typeof (value as ContractError).kind === 'string' && typeof (value as ContractError).message === 'string'
}

/** Whatever a transport rejected with (a ContractError, an Error carrying its fields, anything), as a ContractCallError. */
export function toCallError(reason: unknown): ContractCallError {
  if (reason instanceof ContractCallError) return reason
  if (isContractError(reason)) return new ContractCallError(reason)
  const message = reason instanceof Error ? reason.message : String(reason)
  return new ContractCallError({ kind: 'internal', message })
}
