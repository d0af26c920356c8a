// The controller's metadata log (Kafka's __cluster_metadata) in one SQLite file: an
// append-only table of records and a table of image snapshots. The log owns the image the
// records add up to, so a record is only ever stored together with having been applied.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { openDatabase } from '../sqlite'
import { MetadataImage, type MetadataChange, type MetadataImageData } from '../metadata/image'
import type { MetadataLogEntry, MetadataRecord } from '../metadata/records'

export const METADATA_DB_FILE = 'metadata.db'
/** Kafka's metadata.log.max.record.bytes.between.snapshots is in bytes; records are easier to reason about here. */
export const DEFAULT_SNAPSHOT_EVERY = 1000

export interface MetadataLogOptions {
  /** Write a snapshot after this many records. */
  snapshotEvery?: number
}

export interface MetadataSnapshot {
  /** Offset of the last record the image contains. */
  offset: number
  timestamp: number
  image: MetadataImageData
}

/**
 * What a broker that has applied records up to some offset needs to catch up: the records
 * after it, or, when those were deleted, the latest snapshot and the records after that.
 */
export interface MetadataCatchUp {
  snapshot: MetadataSnapshot | null
  entries: MetadataLogEntry[]
}

export interface AppendResult {
  entries: MetadataLogEntry[]
  changes: MetadataChange[]
}

interface EntryRow {
  logOffset: number
  timestamp: number
  record: string
}
interface SnapshotRow {
  snapshotOffset: number
  timestamp: number
  image: string
}

const toEntry = (row: EntryRow): MetadataLogEntry => ({ offset: row.logOffset, timestamp: row.timestamp, record: JSON.parse(row.record) })
const toSnapshot = (row: SnapshotRow): MetadataSnapshot => ({ offset: row.snapshotOffset, timestamp: row.timestamp, image: JSON.parse(row.image) })

function prepare(db: Database.Database) {
  return {
    insert: db.prepare('INSERT INTO metadata_log (log_offset, timestamp, record) VALUES (?, ?, ?)'),
    after: db.prepare('SELECT log_offset AS logOffset, timestamp, record FROM metadata_log WHERE log_offset > ? ORDER BY log_offset'),
    first: db.prepare('SELECT MIN(log_offset) AS logOffset FROM metadata_log'),
    countAfter: db.prepare('SELECT COUNT(*) AS n FROM metadata_log WHERE log_offset > ?'),
    latestSnapshot: db.prepare('SELECT snapshot_offset AS snapshotOffset, timestamp, image FROM metadata_snapshot ORDER BY snapshot_offset DESC LIMIT 1'),
    insertSnapshot: db.prepare('INSERT OR REPLACE INTO metadata_snapshot (snapshot_offset, timestamp, image) VALUES (?, ?, ?)'),
    deleteEntriesThrough: db.prepare('DELETE FROM metadata_log WHERE log_offset <= ?'),
    deleteSnapshotsBefore: db.prepare('DELETE FROM metadata_snapshot WHERE snapshot_offset < ?'),
  }
}

export class MetadataLog {
  private imageValue: MetadataImage
  private recordsSinceSnapshot: number
  private latestSnapshotOffset: number

  private constructor(
    private readonly db: Database.Database,
    private readonly statements: ReturnType<typeof prepare>,
    private readonly snapshotEvery: number,
  ) {
    const snapshot = this.latestSnapshot()
    this.latestSnapshotOffset = snapshot?.offset ?? -1
    this.imageValue = this.load(snapshot)
    this.recordsSinceSnapshot = (this.statements.countAfter.get(this.latestSnapshotOffset) as { n: number }).n
  }

  /** Opens (or creates) `metadata.db` in `dir` and rebuilds the image: latest snapshot plus the records after it. */
  static open(dir: string, options: MetadataLogOptions = {}): MetadataLog {
    mkdirSync(dir, { recursive: true })
    const db = openDatabase(join(dir, METADATA_DB_FILE))
    db.pragma('journal_mode = WAL')
    // The metadata log is the cluster's source of truth: a committed record must survive a power cut.
    db.pragma('synchronous = FULL')
    db.exec(`
      CREATE TABLE IF NOT EXISTS metadata_log (
        log_offset INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL, record TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS metadata_snapshot (
        snapshot_offset INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL, image TEXT NOT NULL);`)
    return new MetadataLog(db, prepare(db), options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY)
  }

  /** The image of every record appended so far. Read it, never change it. */
  get image(): MetadataImage {
    return this.imageValue
  }

  /** The offset the next record gets. */
  get nextOffset(): number {
    return this.imageValue.offset + 1
  }

  /**
   * Appends records as one batch, all or nothing, and applies them to the image. A record
   * the image cannot apply rolls the batch back and leaves the image as the log has it.
   */
  append(records: readonly MetadataRecord[], timestamp: number): AppendResult {
    const base = this.nextOffset
    const entries = records.map((record, i): MetadataLogEntry => ({ offset: base + i, timestamp, record }))
    const changes: MetadataChange[] = []
    try {
      this.db.transaction(() => {
        for (const e of entries) {
          this.statements.insert.run(e.offset, e.timestamp, JSON.stringify(e.record))
          changes.push(this.imageValue.apply(e))
        }
      })()
    } catch (error) {
      this.imageValue = this.load(this.latestSnapshot())
      throw error
    }
    this.recordsSinceSnapshot += entries.length
    if (this.recordsSinceSnapshot >= this.snapshotEvery) this.snapshot(timestamp)
    return { entries, changes }
  }

  /**
   * Writes a snapshot of the current image, unless the latest one is already that image.
   * Records up to the previous snapshot go: a broker that far behind gets a snapshot anyway.
   */
  snapshot(timestamp: number): void {
    const offset = this.imageValue.offset
    if (offset <= this.latestSnapshotOffset) return
    const previous = this.latestSnapshotOffset
    this.db.transaction(() => {
      this.statements.insertSnapshot.run(offset, timestamp, JSON.stringify(this.imageValue.toData()))
      this.statements.deleteEntriesThrough.run(previous)
      this.statements.deleteSnapshotsBefore.run(previous)
    })()
    this.latestSnapshotOffset = offset
    this.recordsSinceSnapshot = 0
  }

  latestSnapshot(): MetadataSnapshot | null {
    const row = this.statements.latestSnapshot.get() as SnapshotRow | undefined
    return row ? toSnapshot(row) : null
  }

  /** Everything after `afterOffset` (-1: from the start), as records or as a snapshot plus records. */
  readFrom(afterOffset: number): MetadataCatchUp {
    const first = (this.statements.first.get() as { logOffset: number | null }).logOffset ?? this.nextOffset
    if (afterOffset + 1 >= first) return { snapshot: null, entries: this.entriesAfter(afterOffset) }
    const snapshot = this.latestSnapshot()!
    return { snapshot, entries: this.entriesAfter(snapshot.offset) }
  }

  /** Snapshots the image so the next open replays nothing, then closes the file. */
  close(timestamp: number): void {
    if (!this.db.open) return
    this.snapshot(timestamp)
    this.db.close()
  }

  private entriesAfter(offset: number): MetadataLogEntry[] {
    return (this.statements.after.all(offset) as EntryRow[]).map(toEntry)
  }

  private load(snapshot: MetadataSnapshot | null): MetadataImage {
    const image = snapshot ? MetadataImage.fromData(snapshot.image) : new MetadataImage()
    for (const entry of this.entriesAfter(image.offset)) image.apply(entry)
    return image
  }
}
