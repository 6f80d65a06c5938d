/**
 * The run history (--history DIR, CONFORMANCE_HISTORY): every run's per-variant verdicts, with its run id, time,
 * target and suite version, in DIR/history.sqlite — an ordinary SQLite file any SQLite client queries
 * (`sqlite3 history.sqlite "select …"`). sql.js (SQLite compiled to WebAssembly, shipped inside its npm
 * package) reads and writes it: no native build, nothing fetched at install time. It holds the database in
 * memory while a run records itself, then replaces the file whole (write to a temporary file, rename), under a
 * lock file so that two runs sharing a history never lose each other's record.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs, { type Database } from 'sql.js';
import { ConfigError } from '../errors.ts';
import type { Verdict } from '../results.ts';
import type { RunRef, VariantVerdict } from './diff.ts';

export const HISTORY_FILE = 'history.sqlite';
const SCHEMA_VERSION = '1';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  suite_version TEXT NOT NULL,
  verdict TEXT NOT NULL,
  exit_code INTEGER NOT NULL,
  headline TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS targets (
  seq INTEGER NOT NULL REFERENCES runs(seq),
  suite TEXT NOT NULL,
  url TEXT NOT NULL,
  version TEXT NOT NULL,
  PRIMARY KEY (seq, suite)
);
CREATE TABLE IF NOT EXISTS verdicts (
  seq INTEGER NOT NULL REFERENCES runs(seq),
  variant TEXT NOT NULL,
  suite TEXT NOT NULL,
  verdict TEXT NOT NULL,
  baselined INTEGER NOT NULL,
  flaky TEXT,
  attempts INTEGER NOT NULL,
  reason TEXT,
  PRIMARY KEY (seq, variant)
);
CREATE INDEX IF NOT EXISTS verdicts_by_variant ON verdicts (variant, seq);
`;

/** What a run records about itself. */
export interface RunRecord extends RunRef {
  finishedAt: string;
  targetKind: string;
  suiteVersion: string;
  verdict: string;
  exitCode: number;
  headline: string;
  targets: { suite: string; url: string; version: string }[];
  variants: (VariantVerdict & { attempts: number })[];
}

/** Per run (oldest first) and suite: the verdict counts, for the trend picture. */
export interface TrendPoint extends RunRef {
  counts: Record<Verdict, number> & { flaky: number };
}

/** How long a run waits for another run's lock, and when a lock is taken for abandoned (its writer died). */
const LOCK_WAIT_MS = 15_000;
const LOCK_STALE_MS = 120_000;

export class HistoryStore {
  private constructor(
    readonly dir: string,
    private readonly db: Database,
  ) {}

  /** Opens DIR/history.sqlite (created when absent). A file that is not such a history is a configuration error. */
  static async open(dir: string): Promise<HistoryStore> {
    const SQL = await initSqlJs();
    const file = join(dir, HISTORY_FILE);
    let db: Database;
    try {
      db = existsSync(file) ? new SQL.Database(readFileSync(file)) : new SQL.Database();
      db.run(SCHEMA);
      const version = db.exec(`SELECT value FROM meta WHERE key = 'schema'`)[0]?.values[0]?.[0];
      if (version === undefined) db.run(`INSERT INTO meta (key, value) VALUES ('schema', ?)`, [SCHEMA_VERSION]);
      else if (version !== SCHEMA_VERSION) throw new Error(`schema ${String(version)}, this version reads ${SCHEMA_VERSION}`);
    } catch (err) {
      throw new ConfigError('CONFORMANCE_HISTORY', `${file} is not a run history (${(err as Error).message})`, 'name a directory of its own for the history');
    }
    return new HistoryStore(dir, db);
  }

  /** The runs recorded, oldest first (at most the `limit` newest). */
  runs(limit = Number.MAX_SAFE_INTEGER): (RunRef & { seq: number })[] {
    const rows = this.rows(`SELECT seq, run_id, started_at FROM runs ORDER BY seq DESC LIMIT ?`, [limit]);
    return rows.reverse().map(([seq, runId, startedAt]) => ({ seq: Number(seq), runId: String(runId), startedAt: String(startedAt) }));
  }

  /** The variants of one recorded run. */
  variants(seq: number): VariantVerdict[] {
    return this.rows(`SELECT variant, suite, verdict, baselined, flaky, reason FROM verdicts WHERE seq = ? ORDER BY variant`, [seq]).map(
      ([id, suite, verdict, baselined, flaky, reason]) => ({
        id: String(id),
        suite: String(suite),
        verdict: verdict as Verdict,
        ...(baselined ? { baselined: true } : {}),
        ...(flaky ? { flaky: String(flaky) } : {}),
        ...(reason ? { reason: String(reason) } : {}),
      }),
    );
  }

  /** Each variant's verdicts in the `runs` newest runs, oldest first. */
  recentVerdicts(runs: number): Map<string, Verdict[]> {
    const seqs = this.runs(runs).map((r) => r.seq);
    const out = new Map<string, Verdict[]>();
    if (!seqs.length) return out;
    for (const [variant, verdict] of this.rows(`SELECT variant, verdict FROM verdicts WHERE seq >= ? ORDER BY seq`, [seqs[0] ?? 0])) {
      const list = out.get(String(variant)) ?? [];
      list.push(verdict as Verdict);
      out.set(String(variant), list);
    }
    return out;
  }

  /** Verdict counts per suite over the `runs` newest runs, oldest first. */
  trend(runs: number): Map<string, TrendPoint[]> {
    const seqs = this.runs(runs);
    const out = new Map<string, TrendPoint[]>();
    for (const run of seqs) {
      const rows = this.rows(`SELECT suite, verdict, count(*), sum(flaky IS NOT NULL) FROM verdicts WHERE seq = ? GROUP BY suite, verdict ORDER BY suite`, [
        run.seq,
      ]);
      const bySuite = new Map<string, TrendPoint>();
      for (const [suite, verdict, n, flaky] of rows) {
        const p = bySuite.get(String(suite)) ?? { runId: run.runId, startedAt: run.startedAt, counts: { pass: 0, fail: 0, error: 0, skip: 0, flaky: 0 } };
        p.counts[verdict as Verdict] += Number(n);
        p.counts.flaky += Number(flaky);
        bySuite.set(String(suite), p);
      }
      for (const [suite, p] of bySuite) out.set(suite, [...(out.get(suite) ?? []), p]);
    }
    return out;
  }

  /** Adds a run (in memory; `save` writes it). */
  record(run: RunRecord): void {
    this.db.run('BEGIN');
    this.db.run(
      `INSERT INTO runs (run_id, started_at, finished_at, target_kind, suite_version, verdict, exit_code, headline) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [run.runId, run.startedAt, run.finishedAt, run.targetKind, run.suiteVersion, run.verdict, run.exitCode, run.headline],
    );
    const seq = Number(this.db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0]);
    for (const t of run.targets) this.db.run(`INSERT INTO targets (seq, suite, url, version) VALUES (?, ?, ?, ?)`, [seq, t.suite, t.url, t.version]);
    const insert = this.db.prepare(`INSERT INTO verdicts (seq, variant, suite, verdict, baselined, flaky, attempts, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const v of run.variants) {
      insert.run([seq, v.id, v.suite, v.verdict, v.baselined ? 1 : 0, v.flaky ?? null, v.attempts, v.reason?.slice(0, 300) ?? null]);
    }
    insert.free();
    this.db.run('COMMIT');
  }

  /** Writes the database back: a temporary file, then a rename, so a reader never sees half a file. */
  save(): void {
    const file = join(this.dir, HISTORY_FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, this.db.export());
    renameSync(tmp, file);
  }

  close(): void {
    this.db.close();
  }

  private rows(sql: string, params: (string | number)[]): unknown[][] {
    return this.db.exec(sql, params)[0]?.values ?? [];
  }
}

/**
 * Runs `work` holding DIR's lock (DIR/history.sqlite.lock, created exclusively): a second run sharing the history
 * waits for it. A lock older than two minutes is left by a run that died, and is taken over.
 */
export async function withHistoryLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, `${HISTORY_FILE}.lock`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (statSafe(lock) ?? Date.now());
      if (age > LOCK_STALE_MS) rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new Error(`the history ${dir} is locked by another run (${lock}); remove the file if no run is writing`);
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

function statSafe(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}
