// Types for build.js, which stays plain JS so the `brokerlab` command can run before any build.
export function findProjectRoot(from: string): string
export function buildIsStale(root: string): boolean
export function ensureBuilt(root: string): void
export function builtProjectRoot(from: string): string
