import type { Command } from 'commander';
import pino from 'pino';
import { Collector } from '../connectors/collector/collector.js';
import { loadCollectorConfig } from '../connectors/collector/config.js';
import { ValidationError } from '../domain/errors.js';
import { parseOutboundAllow, setOutboundAllow } from '../lib/outbound/index.js';

export function collectCommand(program: Command): void {
  program
    .command('collect')
    .description('collector mode: run pull connectors here and push their jobs to a central Keepwatch (docs/collector.md)')
    .requiredOption('--config <file>', 'the collector config (collector.json)')
    .option('--once', 'sync every connector once, deliver the buffer, and exit (1 if a sync failed or jobs stay buffered)')
    .action(async (options: { config: string; once?: boolean }) => {
      let config: ReturnType<typeof loadCollectorConfig>;
      try {
        config = loadCollectorConfig(options.config);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        process.stderr.write(`keepwatch: ${options.config}: ${err.problems.map((p) => `${p.field}: ${p.message}`).join('\n  ')}\n`);
        process.exit(2);
      }
      const fromEnv = parseOutboundAllow(process.env.KEEPWATCH_OUTBOUND_ALLOW ?? '');
      if ('problems' in fromEnv) {
        process.stderr.write(`keepwatch: KEEPWATCH_OUTBOUND_ALLOW: ${fromEnv.problems.join('; ')}\n`);
        process.exit(2);
      }
      // Connectors at a client's site read consoles on its own network: the config (or the variable) lists them.
      setOutboundAllow([...fromEnv.entries, ...config.outboundAllow]);
      const logger = pino({ level: process.env.KEEPWATCH_LOG_LEVEL ?? 'info', base: { service: 'keepwatch-collect' } }, pino.destination(2));
      let collector: Collector;
      try {
        collector = new Collector(config, { logger });
      } catch (err) {
        process.stderr.write(`keepwatch: ${(err as Error).message}\n`);
        process.exit(2);
      }
      if (options.once) {
        const r = await collector.runOnce();
        const lines = r.syncs.map((s) => `${s.connector} (${s.type}): ${s.outcome}, ${s.emitted} jobs${s.error ? ` — ${s.error}` : ''}`);
        lines.push(`delivered ${r.delivered} jobs to ${config.centralUrl}; ${r.buffered} stay buffered in ${config.bufferDir}`);
        if (r.centreError) lines.push(`centre: ${r.centreError}`);
        const failed = r.buffered > 0 || r.centreError !== null || r.syncs.some((s) => s.outcome !== 'ok');
        (failed ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
        process.exitCode = failed ? 1 : 0;
        return;
      }
      logger.info({ central_url: config.centralUrl, connectors: config.connectors.map((c) => c.name) }, 'collector started');
      collector.start();
      await new Promise<void>((resolve) => {
        const stop = () => {
          logger.info('stopping: running syncs keep their old cursors; buffered jobs are sent on the next start');
          void collector.stop().then(resolve);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
