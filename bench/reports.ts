// Whole-estate reports against a `keepwatch serve` on an existing estate (`npm run bench -- engine
// --estate-dir=…` makes one), workers off so no evaluation pass competes: each report's time, and
// the slowest answer of `GET /healthz` asked every 10 ms meanwhile — how long the server answered
// nobody else (docs/PERFORMANCE.md, "Whole-estate reports").
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchServer } from './server.ts';

export interface ReportTiming {
  path: string;
  status: number;
  seconds: number;
  bytes: number;
  /** /healthz answers while the report was made, and the slowest of them. */
  probes: number;
  slowestProbeMs: number;
}

/** What an MSP asks of its whole estate: statistics, evidence (CSV, PDF), compliance (JSON), the last day's jobs (NDJSON). */
export const REPORT_PATHS = ['/api/v1/reviews/stats', '/api/v1/reports/reviews?format=csv', '/api/v1/reports/reviews', '/api/v1/reports/compliance', '/api/v1/exports/jobs'];

export async function benchReports(estateDir: string, paths = REPORT_PATHS): Promise<ReportTiming[]> {
  if (!existsSync(join(estateDir, 'keepwatch.db'))) throw new Error(`no estate in ${estateDir}: make one with \`npm run bench -- engine --estate-dir=${estateDir}\``);
  const s = await startBenchServer({ KEEPWATCH_DATA_DIR: estateDir, KEEPWATCH_WORKERS: 'false' });
  try {
    const out: ReportTiming[] = [];
    for (const path of paths) {
      let stop = false;
      let slowest = 0;
      let probes = 0;
      const probe = (async () => {
        while (!stop) {
          const t = performance.now();
          await (await fetch(`${s.url}/healthz`)).arrayBuffer();
          slowest = Math.max(slowest, performance.now() - t);
          probes++;
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const started = performance.now();
      const res = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${s.adminToken}` } });
      const bytes = (await res.arrayBuffer()).byteLength;
      const seconds = (performance.now() - started) / 1000;
      stop = true;
      await probe;
      out.push({ path, status: res.status, seconds, bytes, probes, slowestProbeMs: slowest });
    }
    return out;
  } finally {
    await s.stop();
  }
}
