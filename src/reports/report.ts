// The SLA compliance report's shape: what the JSON, CSV and PDF forms all show.
import type { Rollup } from '../domain/rollup.js';
import { nextTurn } from '../lib/turn.js';

export interface DeviceCompliance {
  device_id: string;
  device_name: string;
  client_id: string;
  client_name: string;
  class: string;
  status: string;
  score: number;
  sla_hours: number;
  compliant_now: boolean | null;
  compliance_percent: number | null;
  breaches: Array<{ start: string; end: string; hours: number }>;
  breached_hours: number;
}

export interface ComplianceReport {
  from: string;
  to: string;
  generated_at: string;
  clients: Array<{
    client_id: string;
    client_name: string;
    devices: number;
    compliance_percent: number | null;
    compliant_now: number;
    rollup: Rollup;
    /** % of the period's failed and warning runs reviewed by the next day's review_due_hour (docs/review.md); null: none due. */
    reviewed_by_due_percent: number | null;
  }>;
  /** The workspace's review_due_hour the figure above is measured against. */
  review_due_hour: number;
  devices: DeviceCompliance[];
}

/**
 * The compliance report as JSON text, in pieces: the document `JSON.stringify(report)` makes, in
 * the response schema's key order (devices last; test/engine/reports.test.ts holds it to the
 * schema's own serialiser), its devices `per` at a time with a turn of the event loop between.
 * A 100,000-device estate's report is ~200 MB: the schema's serialiser took 5.2 s for it in one
 * call, during which the server answered nobody (docs/PERFORMANCE.md).
 */
export async function* complianceJson(report: ComplianceReport, per = 500): AsyncGenerator<string> {
  const { devices, ...head } = report;
  const start = JSON.stringify(head);
  yield start === '{}' ? '{"devices":[' : `${start.slice(0, -1)},"devices":[`;
  for (let i = 0; i < devices.length; i += per) {
    if (i > 0) await nextTurn();
    yield `${i > 0 ? ',' : ''}${devices
      .slice(i, i + per)
      .map((d) => JSON.stringify(d))
      .join(',')}`;
  }
  yield ']}';
}
