// The console at scale: time to the first meaningful paint of Devices and of Alerts in headless
// Chromium against a large estate, and what the first view downloads (gzipped).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../test/helpers/browser.ts';
import { fullPass } from './engine.ts';
import { type EstateSize, generateEstate } from './estate.ts';
import { startBenchServer } from './server.ts';

const BIN = new URL('../bin/keepwatch.js', import.meta.url).pathname;
const DIST = new URL('../web/dist/', import.meta.url).pathname;

export interface ConsoleResult {
  devices: number;
  devicesPaintMs: { p50: number; max: number };
  alertsPaintMs: { p50: number; max: number };
  firstViewGzipKiB: number;
}

/** Scripts and styles index.html loads before anything shows, plus the Devices view's own chunk. */
export function firstViewGzipBytes(): number {
  const html = readFileSync(`${DIST}index.html`, 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  // The Devices chunk is named in whichever of the entry's scripts holds the router.
  const devicesChunk = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(`${DIST}${f}`, 'utf8').match(/assets\/Devices-[\w-]+\.js/)?.[0]).find(Boolean);
  if (devicesChunk) files.push(devicesChunk);
  return files.reduce((n, f) => n + gzipSync(readFileSync(`${DIST}${f}`), { level: 9 }).length, 0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchConsole(size: EstateSize, rounds: number, log: (s: string) => void): Promise<ConsoleResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kw-console-'));
  try {
    const estate = generateEstate(dataDir, size);
    log(`generated ${estate.devices} devices in ${estate.seconds.toFixed(0)} s; evaluating …`);
    await fullPass(dataDir);
    const env = { ...process.env, KEEPWATCH_DATA_DIR: dataDir, KEEPWATCH_LOG_LEVEL: 'error', KEEPWATCH_SECRET_KEY: 'bench-secret-key-0123456789' };
    execFileSync(process.execPath, [BIN, 'user', 'create', '--email', 'bench@example.com', '--password', 'bench password', '--role', 'owner'], { env });
    const s = await startBenchServer({ KEEPWATCH_DATA_DIR: dataDir, KEEPWATCH_WORKERS: 'false' });
    const browser = await launchBrowser();
    try {
      const signIn = await fetch(`${s.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@example.com', password: 'bench password' }) });
      const secret = /kw_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')![1]!;
      await browser.context.addCookies([{ name: 'kw_session', value: secret, url: s.url }]);
      const page = await browser.context.newPage();
      const paint = async (path: string, selector: string) => {
        await page.goto('about:blank');
        const started = performance.now();
        await page.goto(s.url + path);
        await page.locator(selector).or(page.getByText('No open alerts')).first().waitFor({ timeout: 60_000 });
        return performance.now() - started;
      };
      const devices: number[] = [];
      const alerts: number[] = [];
      for (let i = 0; i < rounds; i++) {
        devices.push(await paint('/devices', '[data-testid="devices-table"] tbody tr'));
        alerts.push(await paint('/alerts', '[data-alert-id]'));
      }
      return {
        devices: estate.devices,
        devicesPaintMs: { p50: Math.round(median(devices)), max: Math.round(Math.max(...devices)) },
        alertsPaintMs: { p50: Math.round(median(alerts)), max: Math.round(Math.max(...alerts)) },
        firstViewGzipKiB: Math.round(firstViewGzipBytes() / 1024),
      };
    } finally {
      await browser.close();
      await s.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
