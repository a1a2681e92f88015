/**
 * Group commit for the SQLite store in WAL mode, used by the Slack server (the
 * store's `group` sync mode; the terminal syncs each write in its own commit,
 * see SqliteStore). The connection commits with synchronous=NORMAL, so a commit
 * does not fsync on the event loop; a write is answered only after one
 * fdatasync of the WAL file, run in libuv's thread pool, that started after its
 * commit. That sync makes every commit written before it started durable:
 * writes that commit while one sync runs share the next one, so the holds (and
 * appends, and post-queue writes) that arrived together cost one fsync, and the
 * event loop answers other requests meanwhile. SQLite with synchronous=FULL
 * does the same fsync of the WAL inside each commit; NORMAL still syncs around
 * checkpoints, so nothing durable is lost. One difference: another reader may
 * see a commit during the ~1 ms before its sync ends (with FULL, only after);
 * its writer answers only once it is on disk.
 */
import { closeSync, fdatasync, fdatasyncSync, fstatSync, openSync, realpathSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { GcIncidentError } from '../../core/errors.js';

/**
 * After a failed sync the disk may have dropped the WAL pages it could not write, and later
 * commits that build on them would be lost with them even if their own sync succeeds: the first
 * failure is kept, and every write after it fails with it until the app is restarted.
 */
function syncFailed(cause: unknown): GcIncidentError {
  return new GcIncidentError(
    'STORE_UNAVAILABLE',
    `the SQLite store could not make a write durable (${cause instanceof Error ? cause.message : String(cause)}): check the disk, then restart gc-incident; until then every write fails`,
  );
}

/** A write that failed alone: its sync could not be attempted (see SyncNotAttempted). */
function syncFailedOnce(cause: unknown): GcIncidentError {
  return new GcIncidentError(
    'STORE_UNAVAILABLE',
    `the SQLite store could not sync this write (${cause instanceof Error ? cause.message : String(cause)}): try again`,
  );
}

const missing = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/**
 * A sync that could not be attempted (the WAL file could not be opened or checked: too many open
 * files, a permission; a checkpoint a reader kept from finishing): that write fails, but nothing
 * the disk took was dropped, so later writes are not failed for it.
 */
class SyncNotAttempted extends Error {}

/** Where the SQLite store's writes sync: `commit` (each in its own) or `group` (this file). */
export type SqliteSync = 'commit' | 'group';

/** The two syncs, replaceable so a test can make the disk fail. */
export interface WalSync {
  readonly fdatasync: typeof fdatasync;
  readonly fdatasyncSync: typeof fdatasyncSync;
}

export class WalGroupCommit {
  /** WAL syncs run so far (for tests and benchmarks). */
  syncs = 0;
  private fd: number | undefined;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private failed: GcIncidentError | undefined;
  private closed = false;
  private readonly checkpoint: Database.Statement<[], { busy: number; log: number; checkpointed: number }>;

  private constructor(
    db: Database.Database,
    readonly walPath: string,
    private readonly io: WalSync,
  ) {
    db.exec('PRAGMA synchronous = NORMAL');
    // A full checkpoint syncs the WAL, copies it into the database and syncs that (the fallback).
    this.checkpoint = db.prepare('PRAGMA wal_checkpoint(FULL)');
  }

  /** Undefined when the database is not a file in WAL mode: its writes then sync at commit (FULL). */
  static of(
    db: Database.Database,
    path: string,
    io: WalSync = { fdatasync, fdatasyncSync },
  ): WalGroupCommit | undefined {
    if (path === ':memory:' || path === '') return undefined;
    const mode = db.prepare('PRAGMA journal_mode').pluck().get();
    // SQLite follows a symlinked database to its file and keeps the WAL beside that file.
    return mode === 'wal' ? new WalGroupCommit(db, `${realpathSync(db.name)}-wal`, io) : undefined;
  }

  /** `value` (what a write returns), once that write is on disk. */
  async synced<T>(value: T): Promise<T> {
    await this.durable();
    return value;
  }

  /**
   * `value`, after a sync on the event loop, as synchronous=FULL would have done inside the commit:
   * for writes whose callers expect them to settle without waiting for I/O (the reminders').
   */
  syncedNow<T>(value: T): T {
    if (this.failed) throw this.failed;
    if (this.closed) throw syncFailed(new Error('the store is closed'));
    let fd: number | undefined;
    try {
      fd = this.walFd();
    } catch (error) {
      if (!missing(error)) throw syncFailedOnce(error);
    }
    try {
      if (fd === undefined) this.checkpointed();
      else this.io.fdatasyncSync(fd);
    } catch (error) {
      if (error instanceof SyncNotAttempted) throw syncFailedOnce(error);
      this.failed = syncFailed(error);
      throw this.failed;
    }
    this.syncs += 1;
    return value;
  }

  /** Resolves once everything committed before the call is on disk; rejects if that sync failed. */
  durable(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(syncFailed(new Error('the store is closed')));
    if (this.next) return this.next;
    if (!this.running) return this.start();
    // The sync under way may have started before this commit: wait for the one after it.
    const after = this.running
      .catch(() => {})
      .then(() => {
        this.next = undefined;
        if (this.failed) throw this.failed;
        return this.start();
      });
    this.next = after;
    return after;
  }

  /** Resolves when no sync is under way (for tests that step time by hand). */
  async idle(): Promise<void> {
    await (this.next ?? this.running)?.catch(() => {});
  }

  /**
   * Waits for the syncs under way and any they lead to (their writers are waiting on them), then
   * closes the WAL file; a write after this fails rather than syncing a closed descriptor.
   */
  async close(): Promise<void> {
    this.closed = true;
    while (this.next ?? this.running) await (this.next ?? this.running)?.catch(() => {});
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private start(): Promise<void> {
    const run: Promise<void> = this.sync()
      .catch((error: unknown) => {
        if (error instanceof SyncNotAttempted) throw syncFailedOnce(error);
        this.failed ??= syncFailed(error);
        throw this.failed;
      })
      .finally(() => {
        if (this.running === run) this.running = undefined;
      });
    this.running = run;
    return run;
  }

  private sync(): Promise<void> {
    this.syncs += 1;
    let fd: number;
    try {
      fd = this.walFd();
    } catch (error) {
      if (!missing(error)) return Promise.reject(new SyncNotAttempted((error as Error).message));
      // No WAL file to sync (it should exist while a connection is open): sync by a checkpoint.
      try {
        this.checkpointed();
        return Promise.resolve();
      } catch (failure) {
        return Promise.reject(failure);
      }
    }
    return new Promise((resolve, reject) =>
      this.io.fdatasync(fd, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** A full checkpoint that copied the whole WAL; anything less (a reader holding it) is not durable. */
  private checkpointed(): void {
    const result = this.checkpoint.get();
    if (result?.busy !== 0 || (result.log >= 0 && result.checkpointed !== result.log))
      throw new SyncNotAttempted(
        `checkpoint incomplete (busy ${result?.busy}, ${result?.checkpointed} of ${result?.log} frames)`,
      );
  }

  /** The WAL file's descriptor, opened again if the file was removed (every connection closed). */
  private walFd(): number {
    if (this.fd !== undefined && fstatSync(this.fd).nlink > 0) return this.fd;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = openSync(this.walPath, 'r');
    return this.fd;
  }
}
