/**
 * A content-addressed cache of feature vectors: frozen-backbone features are computed once per
 * (backbone weights, crop settings, augmentation view, file identity) and reused by every later
 * epoch and run. Entries are Float32 files written atomically under `dir/<2 hex>/<hash>.f32`;
 * without a folder the cache lives in memory only.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../internal/atomic-fs.js';
import { stableHash } from '../internal/hash.js';

/** Cache counters. */
export interface FeatureCacheStats {
  /** Lookups answered from memory. */
  memoryHits: number;
  /** Lookups answered from disk. */
  diskHits: number;
  /** Lookups that had to be computed. */
  misses: number;
}

/**
 * Feature-vector cache (memory, plus disk when `dir` is given).
 *
 * @example
 * ```ts
 * const cache = new FeatureCache('.cache/features');
 * const key = await cache.keyFor('/data/a.jpg', { backbone: 'facenet' });
 * const v = (await cache.get(key)) ?? computeAndStore();
 * ```
 */
export class FeatureCache {
  /** Cache folder, or undefined for memory only. */
  readonly dir: string | undefined;
  /** Hit/miss counters since construction. */
  readonly stats: FeatureCacheStats = { memoryHits: 0, diskHits: 0, misses: 0 };
  private readonly memory = new Map<string, Float32Array>();

  /** @param dir folder for the on-disk cache; omit for an in-memory cache. */
  constructor(dir?: string) {
    this.dir = dir;
  }

  /** A key for `file` (path, size and modification time) under `settings`. */
  async keyFor(file: string, settings: Record<string, unknown>): Promise<string> {
    let identity: Record<string, unknown> = { file };
    try {
      const stat = await fs.stat(file);
      identity = { file, size: stat.size, mtimeMs: stat.mtimeMs };
    } catch {
      // Missing files fail later when read; the key only needs to be stable.
    }
    return stableHash({ identity, settings });
  }

  private path(key: string): string {
    return join(this.dir as string, key.slice(0, 2), `${key}.f32`);
  }

  /** The cached vector for `key`, or undefined. */
  async get(key: string): Promise<Float32Array | undefined> {
    const mem = this.memory.get(key);
    if (mem) {
      this.stats.memoryHits++;
      return mem;
    }
    if (this.dir) {
      try {
        const buf = await fs.readFile(this.path(key));
        if (buf.byteLength % 4 === 0 && buf.byteLength > 0) {
          const v = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
          this.memory.set(key, v);
          this.stats.diskHits++;
          return v;
        }
      } catch {
        // not cached
      }
    }
    this.stats.misses++;
    return undefined;
  }

  /** Stores `value` under `key` (in memory, and on disk when the cache has a folder). */
  async set(key: string, value: Float32Array): Promise<void> {
    this.memory.set(key, value);
    if (this.dir)
      await writeFileAtomic(this.path(key), new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  }

  /** Drops the in-memory copies (the disk cache stays). */
  clearMemory(): void {
    this.memory.clear();
  }
}
