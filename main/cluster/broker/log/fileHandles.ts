// Open segment files, bounded. Kafka keeps every segment file open and asks operators for a
// high descriptor limit; a sandbox with thousands of partitions in one process would hit
// the machine's limit (20,000 here) long before it ran out of anything else. So a segment
// opens its file when it needs it, and the least recently used files close beyond a bound.
import { closeSync, openSync } from 'node:fs'

/** Open files per process at most (all brokers share the process's descriptor limit). */
export const MAX_OPEN_FILES = 2048

export class FileHandles {
  /** Insertion order is use order: re-inserting on each use makes the first the LRU. */
  private readonly open = new Map<FileHandle, number>()

  constructor(private readonly max = MAX_OPEN_FILES) {}

  /** The descriptor of `handle`, opening it (and closing the least recently used) as needed. */
  fd(handle: FileHandle): number {
    let fd = this.open.get(handle)
    if (fd !== undefined) {
      // Refresh its place only now and then: a Map delete+set on every append is measurable.
      if (handle.uses++ % 64 === 0) {
        this.open.delete(handle)
        this.open.set(handle, fd)
      }
      return fd
    }
    fd = openSync(handle.path, 'r+')
    this.open.set(handle, fd)
    while (this.open.size > this.max) {
      const [oldest, oldestFd] = this.open.entries().next().value as [FileHandle, number]
      this.open.delete(oldest)
      closeSync(oldestFd)
    }
    return fd
  }

  close(handle: FileHandle): void {
    const fd = this.open.get(handle)
    if (fd === undefined) return
    this.open.delete(handle)
    closeSync(fd)
  }

  get size(): number {
    return this.open.size
  }
}

/** One segment file, opened on demand through the shared FileHandles. */
export class FileHandle {
  uses = 0

  constructor(readonly path: string) {}
}

/** The broker thread's handles: every segment of every log in this worker shares them. */
export const fileHandles = new FileHandles()
