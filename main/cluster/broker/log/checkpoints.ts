// A broker's checkpoints in one SQLite file, where Kafka keeps five text files per log dir:
// replication-offset-checkpoint (high watermark), log-start-offset-checkpoint,
// recovery-point-offset-checkpoint, cleaner-offset-checkpoint (where each compacted log's
// dirty section starts), and each partition's leader-epoch-checkpoint; producer state
// snapshots (Kafka's <offset>.snapshot files) are rows here too.
import type Database from 'better-sqlite3'
import { openDatabase } from '../../sqlite'

export interface PartitionCheckpoint {
  logStartOffset: number
  highWatermark: number
  /** Everything below it was flushed with its indexes; recovery starts here. */
  recoveryPoint: number
}

export interface EpochEntry {
  epoch: number
  startOffset: number
}

/** Producer state snapshots of one partition, each keyed by the offset the state reaches. */
export interface ProducerSnapshotStore {
  offsets(): number[]
  read(offset: number): string | undefined
  write(offset: number, entries: string): void
  delete(offset: number): void
}

export class CheckpointStore {
  private readonly db: Database.Database
  private readonly statements

  constructor(path: string) {
    this.db = openDatabase(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS partition_checkpoint (
        topic TEXT NOT NULL, partition INTEGER NOT NULL,
        log_start_offset INTEGER NOT NULL DEFAULT 0,
        high_watermark INTEGER NOT NULL DEFAULT 0,
        recovery_point INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (topic, partition));
      CREATE TABLE IF NOT EXISTS leader_epoch (
        topic TEXT NOT NULL, partition INTEGER NOT NULL,
        epoch INTEGER NOT NULL, start_offset INTEGER NOT NULL,
        PRIMARY KEY (topic, partition, epoch));
      CREATE TABLE IF NOT EXISTS cleaner_offset_checkpoint (
        topic TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL,
        PRIMARY KEY (topic, partition));
      CREATE TABLE IF NOT EXISTS producer_snapshot (
        topic TEXT NOT NULL, partition INTEGER NOT NULL,
        offset INTEGER NOT NULL, entries TEXT NOT NULL,
        PRIMARY KEY (topic, partition, offset));`)
    const upsert = (column: string) =>
      this.db.prepare(
        `INSERT INTO partition_checkpoint (topic, partition, ${column}) VALUES (?, ?, ?)
         ON CONFLICT (topic, partition) DO UPDATE SET ${column} = excluded.${column}`,
      )
    this.statements = {
      get: this.db.prepare(
        `SELECT log_start_offset AS logStartOffset, high_watermark AS highWatermark, recovery_point AS recoveryPoint
         FROM partition_checkpoint WHERE topic = ? AND partition = ?`,
      ),
      logStartOffset: upsert('log_start_offset'),
      highWatermark: upsert('high_watermark'),
      recoveryPoint: upsert('recovery_point'),
      epochs: this.db.prepare(
        'SELECT epoch, start_offset AS startOffset FROM leader_epoch WHERE topic = ? AND partition = ? ORDER BY epoch',
      ),
      deleteEpochs: this.db.prepare('DELETE FROM leader_epoch WHERE topic = ? AND partition = ?'),
      insertEpoch: this.db.prepare('INSERT INTO leader_epoch (topic, partition, epoch, start_offset) VALUES (?, ?, ?, ?)'),
      deletePartition: this.db.prepare('DELETE FROM partition_checkpoint WHERE topic = ? AND partition = ?'),
      snapshotOffsets: this.db
        .prepare('SELECT offset FROM producer_snapshot WHERE topic = ? AND partition = ? ORDER BY offset')
        .pluck(),
      readSnapshot: this.db
        .prepare('SELECT entries FROM producer_snapshot WHERE topic = ? AND partition = ? AND offset = ?')
        .pluck(),
      writeSnapshot: this.db.prepare(
        'INSERT OR REPLACE INTO producer_snapshot (topic, partition, offset, entries) VALUES (?, ?, ?, ?)',
      ),
      deleteSnapshot: this.db.prepare('DELETE FROM producer_snapshot WHERE topic = ? AND partition = ? AND offset = ?'),
      deleteSnapshots: this.db.prepare('DELETE FROM producer_snapshot WHERE topic = ? AND partition = ?'),
      cleanerOffset: this.db.prepare('SELECT offset FROM cleaner_offset_checkpoint WHERE topic = ? AND partition = ?').pluck(),
      saveCleanerOffset: this.db.prepare('INSERT OR REPLACE INTO cleaner_offset_checkpoint (topic, partition, offset) VALUES (?, ?, ?)'),
      deleteCleanerOffset: this.db.prepare('DELETE FROM cleaner_offset_checkpoint WHERE topic = ? AND partition = ?'),
    }
  }

  get(topic: string, partition: number): PartitionCheckpoint | undefined {
    return this.statements.get.get(topic, partition) as PartitionCheckpoint | undefined
  }

  saveLogStartOffset(topic: string, partition: number, offset: number): void {
    this.statements.logStartOffset.run(topic, partition, offset)
  }

  saveRecoveryPoint(topic: string, partition: number, offset: number): void {
    this.statements.recoveryPoint.run(topic, partition, offset)
  }

  /** High watermarks of many partitions in one transaction, as Kafka's periodic checkpoint. */
  saveHighWatermarks(entries: Iterable<{ topic: string; partition: number; highWatermark: number }>): void {
    this.db.transaction(() => {
      for (const e of entries) this.statements.highWatermark.run(e.topic, e.partition, e.highWatermark)
    })()
  }

  leaderEpochs(topic: string, partition: number): EpochEntry[] {
    return this.statements.epochs.all(topic, partition) as EpochEntry[]
  }

  saveLeaderEpochs(topic: string, partition: number, entries: readonly EpochEntry[]): void {
    this.db.transaction(() => {
      this.statements.deleteEpochs.run(topic, partition)
      for (const e of entries) this.statements.insertEpoch.run(topic, partition, e.epoch, e.startOffset)
    })()
  }

  /** Kafka's cleaner-offset-checkpoint: the first dirty offset of a compacted log, if it was ever cleaned. */
  cleanerOffset(topic: string, partition: number): number | undefined {
    return this.statements.cleanerOffset.get(topic, partition) as number | undefined
  }

  saveCleanerOffset(topic: string, partition: number, offset: number): void {
    this.statements.saveCleanerOffset.run(topic, partition, offset)
  }

  /** The producer state snapshots of one partition, bound to it (see ProducerSnapshotStore). */
  producerSnapshots(topic: string, partition: number): ProducerSnapshotStore {
    const s = this.statements
    return {
      offsets: () => s.snapshotOffsets.all(topic, partition) as number[],
      read: (offset) => s.readSnapshot.get(topic, partition, offset) as string | undefined,
      write: (offset, entries) => void s.writeSnapshot.run(topic, partition, offset, entries),
      delete: (offset) => void s.deleteSnapshot.run(topic, partition, offset),
    }
  }

  remove(topic: string, partition: number): void {
    this.db.transaction(() => {
      this.statements.deletePartition.run(topic, partition)
      this.statements.deleteEpochs.run(topic, partition)
      this.statements.deleteSnapshots.run(topic, partition)
      this.statements.deleteCleanerOffset.run(topic, partition)
    })()
  }

  close(): void {
    this.db.close()
  }
}
