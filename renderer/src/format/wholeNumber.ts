/**
 * A form field's whole number within [min, max], or what is wrong with it (the same bounds
 * main validates). v-model on a number input gives a number, or '' when it is empty.
 */
export function wholeNumberError(value: string | number, min: number, max: number, label: string): string | undefined {
  const n = Number(value)
  if (String(value).trim() === '' || !Number.isInteger(n)) return `${label} is a whole number.`
  if (n < min || n > max) return `${label} is from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}.`
  return undefined
}

/**
 * A whole number from a form field, or the error to show. A number input's v-model gives a
 * number (Vue casts it) and a text input a string: both are read the same way.
 */
export function parseWholeNumber(value: string | number, error: string, min = -Infinity): number {
  const n = Number(value)
  if (String(value).trim() === '' || !Number.isInteger(n) || n < min) throw new Error(error)
  return n
}

/** Only the fields that have an error. */
export function presentErrors<K extends string>(errors: Record<K, string | undefined>): Partial<Record<K, string>> {
  return Object.fromEntries(Object.entries(errors).filter(([, message]) => message)) as Partial<Record<K, string>>
}
