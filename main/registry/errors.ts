// Confluent Schema Registry's error answers: an HTTP status and a body
// {"error_code": N, "message": "..."} (codes as in Confluent's Errors class).

export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message)
  }

  body(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message }
  }
}

export const subjectNotFound = (subject: string) => new RegistryError(404, 40401, `Subject '${subject}' not found.`)
export const versionNotFound = (version: number | string) => new RegistryError(404, 40402, `Version ${version} not found.`)
export const schemaNotFound = (id?: number | string) => new RegistryError(404, 40403, id === undefined ? 'Schema not found' : `Schema ${id} not found`)
export const subjectSoftDeleted = (subject: string) =>
  new RegistryError(404, 40404, `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`)
export const subjectNotSoftDeleted = (subject: string) =>
  new RegistryError(404, 40405, `Subject '${subject}' was not deleted first before being permanently deleted`)
export const versionSoftDeleted = (subject: string, version: number) =>
  new RegistryError(404, 40406, `Subject '${subject}' Version ${version} was soft deleted. Set permanent=true to delete permanently`)
export const versionNotSoftDeleted = (subject: string, version: number) =>
  new RegistryError(404, 40407, `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`)
export const subjectCompatibilityNotConfigured = (subject: string) =>
  new RegistryError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`)
export const subjectModeNotConfigured = (subject: string) => new RegistryError(404, 40409, `Subject '${subject}' does not have subject-level mode configured`)

/** Confluent answers 409 with error_code 409 (releases since late 2025 say 40901; clients look at the status). */
export const incompatibleSchema = (subject: string, details: string[]) =>
  new RegistryError(409, 409, `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${details.join(', ')}]`)

export const invalidSchema = (detail: string) => new RegistryError(422, 42201, `Invalid schema: ${detail}`)
export const invalidVersion = (version: string) =>
  new RegistryError(422, 42202, `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`)
export const invalidCompatibility = () =>
  new RegistryError(422, 42203, 'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive')
export const invalidMode = () => new RegistryError(422, 42204, 'Invalid mode. Valid values are READWRITE, READONLY and IMPORT.')
export const operationNotPermitted = (message: string) => new RegistryError(422, 42205, message)
export const referenceExists = (what: string) => new RegistryError(422, 42206, `One or more references exist to the schema ${what}.`)
export const idDoesNotMatch = (message: string) => new RegistryError(422, 42207, message)
export const invalidSubject = (subject: string) => new RegistryError(422, 42208, `The specified subject '${subject}' is not valid.`)

export const storeError = (message: string) => new RegistryError(500, 50001, message)
export const operationTimeout = (message: string) => new RegistryError(500, 50002, message)

/** A body that is not JSON, or JSON of the wrong shape: 400 with error_code 400, as Confluent's Jackson mapper answers. */
export const badRequest = (message: string) => new RegistryError(400, 400, message)
export const notFound = (message = 'HTTP 404 Not Found') => new RegistryError(404, 404, message)
export const methodNotAllowed = () => new RegistryError(405, 405, 'HTTP 405 Method Not Allowed')
export const unsupportedMediaType = () => new RegistryError(415, 415, 'HTTP 415 Unsupported Media Type')
