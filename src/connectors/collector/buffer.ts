// The collector's on-disk buffer (docs/collector.md): every batch a connector emits is written as
// one or more files of at most 1,000 jobs (and a few MB), each fsync'd before emit() resolves — so
// a cursor, saved after the sync returns, never gets ahead of jobs that are not on disk. The sender
// deletes a file only after the centre answered 202 for it. Files are named by time and sequence,
// and sent in that order.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { JobReport, NormalisedJob } from '../../domain/job.js';
import { fsyncDir, writeFileDurably } from './files.js';

/** POST /api/v1/jobs takes at most 1,000 jobs. */
export const MAX_BATCH_JOBS = 1000;
/** And at most 16 MB; a batch stays well under. */
export const MAX_BATCH_BYTES = 6 * 1024 * 1024;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A normalised job as POST /api/v1/jobs takes it (SPEC §8). The source's own payload rides along as `raw`. */
export function toReport(j: NormalisedJob): JobReport {
  const f = j.device.facts;
  let raw: unknown;
  try {
    raw = JSON.parse(j.raw);
  } catch {
    raw = j.raw;
  }
  return {
    source: j.source,
    external_id: j.externalId,
    client: j.clientName,
    device: {
      name: j.device.name,
      class: j.device.class,
      type: j.device.type,
      ...(f && { storage_used_bytes: f.storageUsedBytes, storage_quota_bytes: f.storageQuotaBytes, free_space_percent: f.freeSpacePercent, purgeable: f.purgeable }),
      ...(j.device.tags && j.device.tags.length > 0 && { tags: j.device.tags }),
    },
    check: j.check ? { name: j.check.name, kind: j.check.kind, tier: j.check.tier, ...(j.check.tags && j.check.tags.length > 0 && { tags: j.check.tags }) } : null,
    status: j.status,
    raw_status: j.rawStatus,
    operation: j.operation,
    trigger: j.trigger,
    started_at: iso(j.startedAt),
    ended_at: iso(j.endedAt),
    duration_seconds: j.durationMs === null ? null : j.durationMs / 1000,
    bytes: j.bytes,
    message: j.message,
    error_code: j.errorCode,
    reason: j.reason,
    health: j.healthReplication === null && j.healthFailover === null ? null : { replication: j.healthReplication, failover: j.healthFailover },
    log: j.log,
    raw,
  };
}

export interface BufferedBatch {
  file: string;
  jobs: JobReport[];
}

export class JobBuffer {
  private seq = 0;

  constructor(readonly dir: string) {}

  /** Writes the jobs durably (split into batches the centre takes); resolves once they are on disk. */
  append(reports: JobReport[]): number {
    let files = 0;
    let batch: string[] = [];
    let bytes = 0;
    const flush = () => {
      if (batch.length === 0) return;
      const name = `${Date.now().toString().padStart(15, '0')}-${(this.seq++).toString().padStart(8, '0')}-${randomBytes(3).toString('hex')}.json`;
      writeFileDurably(join(this.dir, name), `{"jobs":[${batch.join(',')}]}`);
      files++;
      batch = [];
      bytes = 0;
    };
    for (const r of reports) {
      const text = JSON.stringify(r);
      if (batch.length >= MAX_BATCH_JOBS || (batch.length > 0 && bytes + text.length > MAX_BATCH_BYTES)) flush();
      batch.push(text);
      bytes += text.length + 1;
    }
    flush();
    return files;
  }

  /** Buffered batch files, oldest first. */
  pending(): string[] {
    try {
      return readdirSync(this.dir)
        .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
        .sort();
    } catch (err) {
      // Not there yet (nothing was buffered), or not a directory (appending says so, loudly).
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw err;
    }
  }

  read(file: string): BufferedBatch {
    return { file, jobs: (JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as { jobs: JobReport[] }).jobs };
  }

  /** How many jobs wait in the buffer. */
  count(): number {
    return this.pending().reduce((n, f) => n + this.read(f).jobs.length, 0);
  }

  /** The centre has it: gone from the buffer. */
  remove(file: string): void {
    unlinkSync(join(this.dir, file));
    fsyncDir(this.dir);
  }

  /** The centre refused it as invalid (400): kept aside in `rejected/` for a person, out of the queue. */
  reject(file: string): string {
    const dir = join(this.dir, 'rejected');
    mkdirSync(dir, { recursive: true });
    renameSync(join(this.dir, file), join(dir, file));
    fsyncDir(this.dir);
    return join(dir, file);
  }
}
