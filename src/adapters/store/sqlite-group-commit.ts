/**
 * Group commit for the SQLite store in WAL mode. The connection commits with
 * synchronous=NORMAL, so a commit does not fsync on the event loop; a write is
 * answered only after one fdatasync of the WAL file, run in libuv's thread
 * pool, that started after its commit. That sync makes every commit written
 * before it started durable: writes that commit while one sync runs share the
 * next one, so the holds (and appends, and post-queue writes) that arrived
 * together cost one fsync, and the event loop answers other requests meanwhile.
 * SQLite with synchronous=FULL does the same fsync of the WAL inside each
 * commit; NORMAL still syncs around checkpoints, so nothing durable is lost.
 * One difference: another reader may see a commit during the ~1 ms before its
 * sync ends (with FULL, only after); its writer answers only once it is on disk.
 */
import { closeSync, fdatasync, fdatasyncSync, fstatSync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';

export class WalGroupCommit {
  /** WAL syncs run so far (for tests and benchmarks). */
  syncs = 0;
  private fd: number | undefined;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private readonly checkpoint: Database.Statement;

  private constructor(
    db: Database.Database,
    private readonly walPath: string,
  ) {
    db.exec('PRAGMA synchronous = NORMAL');
    // A full checkpoint syncs the WAL, copies it into the database and syncs that (the fallback).
    this.checkpoint = db.prepare('PRAGMA wal_checkpoint(FULL)');
  }

  /** Undefined when the database is not a file in WAL mode: its writes then sync at commit (FULL). */
  static of(db: Database.Database, path: string): WalGroupCommit | undefined {
    if (path === ':memory:' || path === '') return undefined;
    const mode = db.prepare('PRAGMA journal_mode').pluck().get();
    return mode === 'wal' ? new WalGroupCommit(db, `${db.name}-wal`) : undefined;
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
    try {
      fdatasyncSync(this.walFd());
    } catch {
      this.checkpoint.run();
    }
    this.syncs += 1;
    return value;
  }

  /** Resolves once everything committed before the call is on disk. */
  durable(): Promise<void> {
    if (this.next) return this.next;
    if (!this.running) return this.start();
    // The sync under way may have started before this commit: wait for the one after it.
    const after = this.running
      .catch(() => {})
      .then(() => {
        this.next = undefined;
        return this.start();
      });
    this.next = after;
    return after;
  }

  /** Resolves when no sync is under way (for tests that step time by hand). */
  async idle(): Promise<void> {
    await (this.next ?? this.running)?.catch(() => {});
  }

  /** Waits for the syncs under way (their writers are waiting on them), then closes the WAL file. */
  async close(): Promise<void> {
    await (this.next ?? this.running)?.catch(() => {});
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private start(): Promise<void> {
    const run: Promise<void> = this.sync().finally(() => {
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
    } catch {
      // No WAL file to sync (it should exist while a connection is open): sync by a checkpoint.
      try {
        this.checkpoint.run();
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
  }

  /** The WAL file's descriptor, opened again if the file was removed (every connection closed). */
  private walFd(): number {
    if (this.fd !== undefined && fstatSync(this.fd).nlink > 0) return this.fd;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = openSync(this.walPath, 'r');
    return this.fd;
  }
}
