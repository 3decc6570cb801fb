import type { Command } from 'commander';
import { newId } from '../lib/ids.js';
import { withKeepwatch } from './context.js';

export function evaluateCommand(program: Command): void {
  program
    .command('evaluate')
    .description('evaluate every device and integration once, now (the running service does this continuously)')
    .action(async () => {
      await withKeepwatch(async (kw) => {
        const started = Date.now();
        const now = kw.clock.now();
        await kw.services.evaluation.enqueueEverything(now, newId(now));
        const devices = await kw.evaluator.runUntilIdle();
        const integrations = await kw.services.evaluation.evaluateAllIntegrations();
        process.stdout.write(`Evaluated ${devices} devices and ${integrations} integrations in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
      });
    });
}
