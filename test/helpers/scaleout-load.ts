// Load for the scale-out test, spread round-robin over the live instances of a cluster, the way a
// load balancer and a fleet of backup products would send it: single-job POSTs, batches (with
// re-sends of earlier jobs), jobs re-sent through other instances, pings and status e-mails.
// Every request is retried through another instance until one acknowledges it, as a real client
// retries; what was acknowledged, last, is written down to be compared with what was stored.
import type { Transporter } from 'nodemailer';
import type { Cluster, Instance } from './cluster.js';
import { smtpClient } from './mail.js';

export const CLIENT = 'Scale Co';
export const LOAD_DEVICES = 40;
export const BULK_DEVICES = 200;
export const RESEND_DEVICES = 10;

/** LOAD, PING, MAIL and DUP devices with an odd number only ever fail; even ones only succeed. */
export const fails = (n: number) => n % 2 === 1;

export interface PingCheck {
  n: number;
  id: string;
  path: string;
}

export interface MailCheck {
  n: number;
  id: string;
  address: string;
}

/** What was acknowledged, last, for one job key. */
export interface Acked {
  status: string;
  message: string | null;
}

const key = (source: string, externalId: string) => `${source}\u0000${externalId}`;

export function jobFor(device: string, source: string, externalId: string, status: string, message: string | null): Record<string, unknown> {
  const now = Date.now();
  return {
    source,
    external_id: externalId,
    client: CLIENT,
    device: { name: device, class: 'server', type: 'vm' },
    check: { name: 'Nightly backup', kind: 'backup' },
    status,
    started_at: new Date(now - 60_000).toISOString(),
    ended_at: status === 'running' ? null : new Date(now).toISOString(),
    bytes: 1_000_000_000,
    message,
  };
}

/** The body of a Duplicati result report (the backup's name goes in the subject). */
export function duplicatiReport(failed: boolean): string {
  const t = Math.floor(Date.now() / 1000);
  return [
    `ParsedResult: ${failed ? 'Error' : 'Success'}`,
    `BeginTime: 1/1/2026 1:00:00 AM (${t - 60})`,
    `EndTime: 1/1/2026 1:01:00 AM (${t})`,
    'SizeOfExaminedFiles: 13919',
    'PartialBackup: False',
    `Errors: [${failed ? 'disk full' : ''}]`,
  ].join('\n');
}

export class Load {
  /** Job key (source, external id) → what was acknowledged last. */
  readonly jobs = new Map<string, Acked>();
  /** Ping run id → the check and the status of its last acknowledged ping. */
  readonly pings = new Map<string, { checkId: string; status: string }>();
  /** Message-ID → where it went (a check, or a Duplicati device through the client's address). */
  readonly mails = new Map<string, { checkId: string | null; device: string | null; failed: boolean }>();
  /** Answers other than the acknowledgement from an instance that was alive. */
  readonly failures: string[] = [];
  /** Requests cut by the kill, then sent again elsewhere. */
  lostToKill = 0;
  batches = 0;
  /** Acknowledgements per process. */
  readonly ackedBy = new Map<Instance, number>();
  private stopped = false;
  private turn = 0;
  private loops: Promise<void>[] = [];
  private readonly smtp = new Map<Instance, Transporter>();
  private readonly inFlight = new Map<Instance, number>();

  constructor(
    private readonly cluster: Cluster,
    private readonly token: string,
    private readonly pingChecks: PingCheck[],
    private readonly mailChecks: MailCheck[],
    /** The client's own address: a recognised report there creates its devices and checks. */
    private readonly clientAddress: string,
  ) {}

  start(): void {
    this.loops = [
      ...Array.from({ length: 6 }, (_, w) => this.loop((n) => this.single(n * 6 + w))),
      this.loop((n) => this.batch(n)),
      this.loop((n) => this.resend(n)),
      this.loop((n) => this.ping(n)),
      this.loop((n) => this.mail(n)),
      this.loop((n) => this.mail(n + 1_000_000)),
    ];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
    for (const t of this.smtp.values()) t.close();
  }

  private async loop(step: (n: number) => Promise<void>): Promise<void> {
    try {
      for (let n = 0; !this.stopped; n++) await step(n);
    } catch (err) {
      this.failures.push((err as Error).message);
    }
  }

  /** The next live instance, round-robin. */
  private pick(): Instance {
    const live = this.cluster.live();
    return live[this.turn++ % live.length]!;
  }

  /** Sends through instance after instance until one answers `ok`. */
  /** Requests sent to the live process of that name and not answered yet. */
  inFlightTo(name: string): number {
    let n = 0;
    for (const [i, count] of this.inFlight) if (i.name === name && i.alive) n += count;
    return n;
  }

  private async acked(what: string, attempt: (i: Instance) => Promise<{ status: number; text: string }>, ok: number): Promise<void> {
    for (let tries = 0; tries < 20; tries++) {
      const i = this.pick();
      this.inFlight.set(i, (this.inFlight.get(i) ?? 0) + 1);
      try {
        const r = await attempt(i).finally(() => this.inFlight.set(i, this.inFlight.get(i)! - 1));
        if (r.status === ok) {
          this.ackedBy.set(i, (this.ackedBy.get(i) ?? 0) + 1);
          return;
        }
        this.failures.push(`${i.name} ${what}: ${r.status} ${r.text.slice(0, 300)}`);
      } catch (err) {
        if (i.alive) this.failures.push(`${i.name} ${what}: ${(err as Error).message}`);
        else this.lostToKill++;
      }
    }
    throw new Error(`${what}: not acknowledged after 20 tries`);
  }

  private post(i: Instance, path: string, body: unknown, token: string | null = this.token) {
    return fetch(i.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    }).then(async (r) => ({ status: r.status, text: await r.text() }));
  }

  private async postJobs(what: string, jobs: Array<Record<string, unknown>>, asBatch: boolean): Promise<void> {
    await this.acked(what, (i) => this.post(i, '/api/v1/jobs', asBatch ? { jobs } : jobs[0]), 202);
    for (const j of jobs) this.jobs.set(key(j.source as string, j.external_id as string), { status: j.status as string, message: j.message as string | null });
  }

  private single(n: number): Promise<void> {
    const d = n % LOAD_DEVICES;
    return this.postJobs(`single ${n}`, [jobFor(`LOAD-${d}`, 'scale-api', `single-${n}`, fails(d) ? 'failed' : 'succeeded', `single ${n}`)], false);
  }

  /** 1,000 jobs, at most one batch a second: most for BULK devices (an evaluation queue deeper
   * than a pass takes), some for the LOAD devices, and 100 re-sent from the previous batch. */
  private async batch(b: number): Promise<void> {
    const started = Date.now();
    const jobs: Array<Record<string, unknown>> = [];
    for (let k = 0; k < 800; k++) jobs.push(jobFor(`BULK-${k % BULK_DEVICES}`, 'scale-batch', `b${b}-${k}`, 'succeeded', `batch ${b}`));
    for (let k = 800; k < 900; k++) {
      const d = k % LOAD_DEVICES;
      jobs.push(jobFor(`LOAD-${d}`, 'scale-batch', `b${b}-${k}`, fails(d) ? 'failed' : 'succeeded', `batch ${b}`));
    }
    if (b > 0) {
      for (let k = 800; k < 900; k++) {
        const d = k % LOAD_DEVICES;
        jobs.push(jobFor(`LOAD-${d}`, 'scale-batch', `b${b - 1}-${k}`, fails(d) ? 'failed' : 'succeeded', `batch ${b - 1} again in ${b}`));
      }
    }
    await this.postJobs(`batch ${b}`, jobs, true);
    this.batches++;
    // Pacing, so that on two shared cores the evaluators keep up on average.
    const rest = 1000 - (Date.now() - started);
    if (rest > 0 && !this.stopped) await new Promise((r) => setTimeout(r, rest));
  }

  /** One job reported three times, through three instances: running, then finished, then corrected. */
  private async resend(n: number): Promise<void> {
    const device = `RESEND-${n % RESEND_DEVICES}`;
    const id = `resend-${n}`;
    await this.postJobs(`resend ${n} v1`, [jobFor(device, 'scale-api', id, 'running', 'v1')], false);
    await this.postJobs(`resend ${n} v2`, [jobFor(device, 'scale-api', id, 'succeeded', 'v2')], true);
    await this.postJobs(`resend ${n} v3`, [jobFor(device, 'scale-api', id, 'succeeded', 'v3')], false);
  }

  /** A run id per run, so a ping sent again after a lost answer is the same run. */
  private async ping(n: number): Promise<void> {
    const c = this.pingChecks[n % this.pingChecks.length]!;
    const rid = `run-${n}`;
    const get = (suffix: string) => (i: Instance) =>
      fetch(`${i.url}${c.path}${suffix}?rid=${rid}`, { signal: AbortSignal.timeout(30_000) }).then(async (r) => ({ status: r.status, text: await r.text() }));
    if (fails(c.n)) {
      await this.acked(`ping ${rid} fail`, get('/fail'), 200);
      this.pings.set(rid, { checkId: c.id, status: 'failed' });
      return;
    }
    await this.acked(`ping ${rid} start`, get('/start'), 200);
    await this.acked(`ping ${rid} success`, get(''), 200);
    this.pings.set(rid, { checkId: c.id, status: 'succeeded' });
  }

  /** Alternately a message to a check's address and a Duplicati report to the client; every
   * third one is sent again, with the same Message-ID, through the next instance. */
  private async mail(n: number): Promise<void> {
    const messageId = `<scale-${n}@mail.example>`;
    let mail: Record<string, unknown>;
    if (n % 2 === 0) {
      const c = this.mailChecks[(n / 2) % this.mailChecks.length]!;
      const failed = fails(c.n);
      mail = { to: c.address, subject: `Backup ${n} ${failed ? 'failed' : 'ok'}`, text: 'report' };
      this.mails.set(messageId, { checkId: c.id, device: null, failed });
    } else {
      const d = ((n - 1) / 2) % 4;
      mail = { to: this.clientAddress, subject: `Duplicati Backup report for DUP-${d}`, text: duplicatiReport(fails(d)) };
      this.mails.set(messageId, { checkId: null, device: `DUP-${d}`, failed: fails(d) });
    }
    const send = (i: Instance) => this.transport(i).sendMail({ from: 'nas@mail.example', messageId, ...mail }).then((info) => ({ status: Number(info.response?.slice(0, 3)), text: info.response ?? '' }));
    await this.acked(`mail ${n}`, send, 250);
    if (n % 3 === 0) await this.acked(`mail ${n} again`, send, 250);
  }

  private transport(i: Instance): Transporter {
    let t = this.smtp.get(i);
    if (!t) {
      t = smtpClient({ port: i.smtpPort, pool: true, maxConnections: 2 });
      this.smtp.set(i, t);
    }
    return t;
  }
}
