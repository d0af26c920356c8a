// The desktop app's own state, in one SQLite file beside the clusters (DESIGN.md: what is
// small and must be exact lives in better-sqlite3): for now its settings, such as where the
// window was. Cluster profiles, config experiments and metrics history join it later.
import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import type Database from 'better-sqlite3'
import { openDatabase } from '../cluster/sqlite'
import { ExperimentRunStore } from '../experiments/store'

export class AppDatabase {
  private readonly db: Database.Database

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true })
    this.db = openDatabase(join(dir, 'app.db'))
    this.db.pragma('journal_mode = WAL')
    this.db.exec('CREATE TABLE IF NOT EXISTS setting (name TEXT PRIMARY KEY, value TEXT NOT NULL)')
  }

  /** A setting stored as JSON; `fallback` when it is unset or unreadable. */
  get<T>(name: string, fallback: T): T {
    const row = this.db.prepare('SELECT value FROM setting WHERE name = ?').get(name) as { value: string } | undefined
    if (!row) return fallback
    try {
      return JSON.parse(row.value) as T
    } catch {
      return fallback
    }
  }

  set(name: string, value: unknown): void {
    this.db.prepare('INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value').run(name, JSON.stringify(value))
  }

  /** Experiment runs (issue 19), in this same file. */
  experimentRuns(): ExperimentRunStore {
    return new ExperimentRunStore(this.db)
  }

  close(): void {
    this.db.close()
  }
}

export interface WindowBounds {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

export const DEFAULT_WINDOW: WindowBounds = { width: 1280, height: 800, maximized: false }

/** Saved bounds, dropped when they would open the window off every screen. */
export function restoredBounds(saved: WindowBounds, screens: Array<{ x: number; y: number; width: number; height: number }>): WindowBounds {
  if (saved.x === undefined || saved.y === undefined) return saved
  const visible = screens.some((s) => saved.x! < s.x + s.width - 50 && saved.x! + saved.width > s.x + 50 && saved.y! >= s.y - 10 && saved.y! < s.y + s.height - 50)
  return visible ? saved : { width: saved.width, height: saved.height, maximized: saved.maximized }
}
