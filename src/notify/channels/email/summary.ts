// The weekly summary's figures, as the e-mail shows them (gathered by services/weekly-summary.ts).
export interface WeeklySummary {
  period_start: string;
  period_end: string;
  timezone: string;
  /** Client names the summary is limited to; null: every client. */
  clients: string[] | null;
  devices: {
    total: number;
    /** Devices that meet their SLA now, of those an SLA applies to. */
    protected: number;
    applicable: number;
    bands: { healthy: number; warning: number; critical: number; unknown: number };
  };
  jobs: { finished: number; good: number; success_rate: number | null; previous_success_rate: number | null };
  new_critical: { count: number; items: Array<{ id: string; title: string; client_name: string | null; device_name: string | null; raised_at: string }> };
  lowest: Array<{ id: string; name: string; client_name: string | null; score: number; status: string }>;
  storage: {
    /** Bytes written by good backups per day of the week, oldest first. */
    daily: Array<{ day: string; bytes: number }>;
    week_bytes: number;
    previous_week_bytes: number;
    used_bytes: number;
    quota_bytes: number;
  };
}
