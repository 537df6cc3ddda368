/**
 * BullMQ, the optional queue engine of distributed grids and batch labeling: loaded by dynamic
 * import when a queue is first used, with a `MISSING_DEPENDENCY` error naming the package when it is
 * not installed. The few BullMQ/ioredis members ulasan calls are typed here, so ulasan's own types
 * never require BullMQ to be installed.
 */
import { importOptional } from '../../backend/optional-import.js';
import { UlasanError } from '../../internal/errors.js';

/** A Redis server to reach: a `redis://[user:password@]host:port[/db]` URL (`rediss://` for TLS) or host/port fields. */
export type QueueConnection =
  | string
  | { host?: string; port?: number; username?: string; password?: string; db?: number; tls?: object };

/** Connection options in BullMQ's (ioredis') form. */
export interface RedisOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
  /** BullMQ workers require null: commands wait for a reconnect instead of failing. */
  maxRetriesPerRequest: null;
}

/** The ioredis calls used on BullMQ's own connection. */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  getBuffer(key: string): Promise<Buffer | null>;
  set(key: string, value: string | Buffer): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
}

/** The Job members used. */
export interface BullJob {
  id?: string;
  name: string;
  data: Record<string, unknown>;
  progress: unknown;
  returnvalue: unknown;
  failedReason?: string;
  attemptsMade: number;
  getState(): Promise<string>;
  remove(): Promise<void>;
  updateProgress(progress: object | number): Promise<void>;
}

/** The Queue members used. */
export interface BullQueue {
  readonly client: Promise<RedisLike>;
  add(name: string, data: object, opts?: object): Promise<BullJob>;
  addBulk(jobs: { name: string; data: object; opts?: object }[]): Promise<BullJob[]>;
  getJob(id: string): Promise<BullJob | undefined>;
  close(): Promise<void>;
  waitUntilReady(): Promise<unknown>;
}

/** The Worker members used. */
export interface BullWorker {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  close(force?: boolean): Promise<void>;
  waitUntilReady(): Promise<unknown>;
  run(): Promise<void>;
}

/** The module's constructors. */
export interface BullMQModule {
  Queue: new (name: string, opts: object) => BullQueue;
  Worker: new (name: string, processor: (job: BullJob) => Promise<unknown>, opts: object) => BullWorker;
}

/** Loads BullMQ (an optional peer dependency). */
export async function loadBullMQ(purpose: string): Promise<BullMQModule> {
  const mod = (await importOptional('bullmq', purpose)) as Partial<BullMQModule> & { default?: Partial<BullMQModule> };
  const m = mod.Queue ? mod : (mod.default ?? mod);
  if (typeof m.Queue !== 'function' || typeof m.Worker !== 'function') {
    throw new UlasanError(
      'BACKEND_UNAVAILABLE',
      `${purpose}: the installed "bullmq" has no Queue/Worker classes; install bullmq 5.`,
    );
  }
  return m as BullMQModule;
}

/**
 * Reads a connection (a `redis://` URL or fields) into BullMQ's options.
 *
 * @throws UlasanError `INVALID_ARGUMENT` for a URL that is not `redis://` or `rediss://`.
 */
export function redisOptions(connection: QueueConnection): RedisOptions {
  if (typeof connection !== 'string') {
    return { host: '127.0.0.1', port: 6379, ...connection, maxRetriesPerRequest: null };
  }
  let url: URL;
  try {
    url = new URL(connection.includes('://') ? connection : `redis://${connection}`);
  } catch {
    throw new UlasanError(
      'INVALID_ARGUMENT',
      `--queue expects a Redis URL like redis://HOST:6379, got "${connection}".`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new UlasanError(
      'INVALID_ARGUMENT',
      `--queue expects a redis:// or rediss:// URL, got "${url.protocol}//" in "${connection}".`,
    );
  }
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new UlasanError(
      'INVALID_ARGUMENT',
      `the Redis URL's path must be a database number (redis://HOST:6379/0), got "/${db}".`,
    );
  }
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** Default queue name (one queue carries grid scenarios and labeling chunks). */
export const DEFAULT_QUEUE_NAME = 'ulasan';

/** Redis key of a grid's or labeling run's shared payload (spec, vectors, model files). */
export function payloadKey(queueName: string, kind: string, id: string): string {
  return `ulasan:${queueName}:${kind}:${id}`;
}
