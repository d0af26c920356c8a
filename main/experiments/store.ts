// Experiment runs kept in the app database (app.db): one row a run, the run as the console
// shows it (JSON) and the histories apart (JSON, only read for an export).
import type Database from 'better-sqlite3'
import type { ExperimentRun, ExperimentRunSummary, History } from '../../preload/schemas/experiments'

export class ExperimentRunStore {
  constructor(private readonly db: Database.Database) {
    db.exec('CREATE TABLE IF NOT EXISTS experiment_run (id TEXT PRIMARY KEY, started_at INTEGER NOT NULL, run TEXT NOT NULL, histories TEXT)')
  }

  save(run: ExperimentRun, histories: History[] | null = null): void {
    this.db
      .prepare('INSERT INTO experiment_run (id, started_at, run, histories) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET run = excluded.run, histories = coalesce(excluded.histories, histories)')
      .run(run.id, run.startedAt, JSON.stringify(run), histories ? JSON.stringify(histories) : null)
  }

  list(): ExperimentRunSummary[] {
    const rows = this.db.prepare('SELECT run FROM experiment_run ORDER BY started_at DESC LIMIT 200').all() as Array<{ run: string }>
    return rows.map((r) => {
      const { id, name, startedAt, finishedAt, status, verdict } = JSON.parse(r.run) as ExperimentRun
      return { id, name, startedAt, finishedAt, status, verdict }
    })
  }

  get(id: string): ExperimentRun | null {
    const row = this.db.prepare('SELECT run FROM experiment_run WHERE id = ?').get(id) as { run: string } | undefined
    return row ? (JSON.parse(row.run) as ExperimentRun) : null
  }

  histories(id: string): History[] | null {
    const row = this.db.prepare('SELECT histories FROM experiment_run WHERE id = ?').get(id) as { histories: string | null } | undefined
    return row?.histories ? (JSON.parse(row.histories) as History[]) : null
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM experiment_run WHERE id = ?').run(id).changes > 0
  }
}
