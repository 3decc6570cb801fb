// The SLA compliance report's shape: what the JSON, CSV and PDF forms all show.
import type { Rollup } from '../domain/rollup.js';

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
