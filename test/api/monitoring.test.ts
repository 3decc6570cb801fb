// The Grafana dashboard and Prometheus rules in docs/monitoring/ must keep naming metrics that
// Keepwatch exports: this reads both files as an operator's tools would and compares every
// metric they query with what a running instance serves on /metrics.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startApp, type TestApp } from '../helpers/app.js';

const DIR = new URL('../../docs/monitoring/', import.meta.url);
let app: TestApp;
let exported: Set<string>;

beforeAll(async () => {
  app = await startApp();
  const text = (await app.request('GET', '/metrics', { token: await app.token('read') })).text;
  exported = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    exported.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(name + s);
  }
});
afterAll(async () => app.close());

const metricsIn = (expr: string) => [...expr.matchAll(/\b(keepwatch_[a-z0-9_]+)\b/g)].map((m) => m[1]!);

function balanced(expr: string): boolean {
  let depth = 0;
  for (const ch of expr) {
    if ('({['.includes(ch)) depth++;
    if (')}]'.includes(ch) && --depth < 0) return false;
  }
  return depth === 0;
}

describe('monitoring files', () => {
  it('every Prometheus rule is well formed and queries exported metrics', () => {
    const doc = parse(readFileSync(new URL('keepwatch-rules.yml', DIR), 'utf8')) as { groups: Array<{ name: string; rules: Array<Record<string, unknown>> }> };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(8);
    for (const r of rules) {
      expect(typeof r.alert, JSON.stringify(r)).toBe('string');
      expect(typeof r.expr).toBe('string');
      expect(balanced(r.expr as string), r.alert as string).toBe(true);
      expect((r.labels as { severity: string }).severity).toMatch(/^(warning|critical)$/);
      expect(typeof (r.annotations as { summary: string }).summary).toBe('string');
      for (const m of metricsIn(r.expr as string)) expect(exported, `${r.alert}: ${m}`).toContain(m);
    }
    // The alerts the operations issue names: ingest, errors, evaluator lag, deliveries, connectors.
    const names = rules.map((r) => r.alert);
    for (const n of ['KeepwatchNoJobsIngested', 'KeepwatchJobFailureRateHigh', 'KeepwatchEvaluatorLagging', 'KeepwatchDeliveriesFailing', 'KeepwatchConnectorSyncsFailing']) {
      expect(names).toContain(n);
    }
  });

  it('every Grafana panel queries exported metrics', () => {
    const dash = JSON.parse(readFileSync(new URL('keepwatch-dashboard.json', DIR), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    expect(dash.panels.length).toBeGreaterThanOrEqual(10);
    const queried = new Set<string>();
    for (const p of dash.panels) {
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets) {
        expect(balanced(t.expr), p.title).toBe(true);
        for (const m of metricsIn(t.expr)) {
          // The SQLite write-ahead log's metrics exist only on SQLite (the panel says so).
          if (m.startsWith('keepwatch_sqlite_') && app.kw.database.dialect !== 'sqlite') continue;
          expect(exported, `${p.title}: ${m}`).toContain(m);
          queried.add(m.replace(/_(bucket|sum|count)$/, ''));
        }
      }
    }
    // And the dashboard shows every domain metric we export.
    const domain = [...exported].filter((m) => !m.startsWith('keepwatch_process_') && !m.startsWith('keepwatch_nodejs_') && !/_(bucket|sum|count)$/.test(m));
    expect(domain.filter((m) => !queried.has(m))).toEqual([]);
  });
});
