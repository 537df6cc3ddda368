/**
 * The lock of a grid's output folder, safe across hosts that share the folder (NFS, SMB, a cloud
 * disk): `out/.lock` is created exclusively (`O_CREAT | O_EXCL`), holds `{ host, pid, token,
 * heartbeatAt, leaseMs }`, and its holder rewrites `heartbeatAt` every third of the lease.
 *
 * Another process takes the folder over only when the lock is stale: on the same host, when its
 * process no longer runs (checked at once); from another host, whose processes cannot be checked,
 * when its heartbeat is older than the lease (default 2 minutes). A takeover first creates
 * `out/.lock.takeover` exclusively, so two processes that both see a stale lock cannot both take it.
 * A lock written by older ulasan versions (a bare process id) is read as a same-host lock.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../internal/atomic-fs.js';
import { UlasanError } from '../../internal/errors.js';

/** Default lease of a grid lock: a holder that stops heartbeating for this long is presumed dead. */
export const GRID_LOCK_LEASE_MS = 120_000;

interface LockRecord {
  host: string;
  pid: number;
  token: string;
  heartbeatAt: string;
  leaseMs: number;
}

/**
 * Takes `out/.lock` for this process; resolves to the release function. Throws `CONFIG` naming
 * the host and process that hold it when the lock is live.
 */
export async function acquireGridLock(out: string, options: { leaseMs?: number } = {}): Promise<() => Promise<void>> {
  const path = join(out, '.lock');
  const leaseMs = options.leaseMs ?? GRID_LOCK_LEASE_MS;
  await fs.mkdir(out, { recursive: true });
  const me: LockRecord = {
    host: hostname(),
    pid: process.pid,
    token: randomBytes(8).toString('hex'),
    heartbeatAt: new Date().toISOString(),
    leaseMs,
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(path, `${JSON.stringify(me)}\n`, { flag: 'wx' });
      return startHeartbeat(path, me);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLock(path);
    if (holder && !isStale(holder, me)) {
      const where = holder.host === me.host ? '' : ` on host ${holder.host}, last heartbeat ${holder.heartbeatAt}`;
      throw new UlasanError(
        'CONFIG',
        holder.host === me.host && holder.pid === me.pid
          ? `${out} is already used by a grid running in this process; use another out folder.`
          : `${out} is in use by another grid (process ${holder.pid}${where}). Wait for it to finish, or use another --out folder.`,
      );
    }
    await takeOver(path, holder);
  }
  throw new UlasanError('CONFIG', `cannot lock ${out} (${path}); remove that file if no grid is running.`);
}

function isStale(holder: LockRecord, me: LockRecord): boolean {
  if (holder.host === me.host) return holder.pid !== me.pid && !isAlive(holder.pid);
  const age = Date.now() - Date.parse(holder.heartbeatAt);
  return !(age <= (holder.leaseMs || GRID_LOCK_LEASE_MS));
}

/** Removes a stale lock, under an exclusive takeover marker so only one process does it. */
async function takeOver(path: string, seen: LockRecord | undefined): Promise<void> {
  const marker = `${path}.takeover`;
  try {
    await fs.writeFile(marker, `${hostname()} ${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A takeover in progress elsewhere; a marker left by a process killed mid-takeover expires.
    const stat = await fs.stat(marker).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > 30_000) await fs.rm(marker, { force: true });
    await new Promise((r) => setTimeout(r, 200));
    return;
  }
  try {
    const now = await readLock(path);
    // Remove only the lock judged stale, not one another process has just written.
    if (now === undefined || (seen !== undefined && now.token === seen.token)) await fs.rm(path, { force: true });
  } finally {
    await fs.rm(marker, { force: true });
  }
}

async function readLock(path: string): Promise<LockRecord | undefined> {
  const text = await fs.readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const record = JSON.parse(text) as LockRecord;
    if (typeof record === 'object' && record && typeof record.pid === 'number') return record;
  } catch {
    // An older ulasan's lock: a bare process id, on this host.
  }
  const pid = Number.parseInt(text, 10);
  return {
    host: hostname(),
    pid: Number.isInteger(pid) ? pid : -1,
    token: `legacy:${text.trim()}`,
    heartbeatAt: new Date(0).toISOString(),
    leaseMs: 0,
  };
}

function startHeartbeat(path: string, me: LockRecord): () => Promise<void> {
  let beating: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      beating = (async () => {
        const now = await readLock(path);
        if (now?.token !== me.token) {
          process.emitWarning(
            `grid lock ${path} was taken over by process ${now?.pid ?? '?'} on ${now?.host ?? '?'} (this process missed its heartbeats for longer than the lease); two grids may now write this folder.`,
            { code: 'ULASAN_GRID_LOCK_LOST' },
          );
          clearInterval(timer);
          return;
        }
        await writeFileAtomic(path, `${JSON.stringify({ ...me, heartbeatAt: new Date().toISOString() })}\n`);
      })().catch(() => {});
    },
    Math.max(1000, Math.floor(me.leaseMs / 3)),
  );
  timer.unref();
  return async () => {
    clearInterval(timer);
    await beating;
    const now = await readLock(path);
    if (now?.token === me.token) await fs.rm(path, { force: true });
  };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
