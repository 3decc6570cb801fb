import type { Command } from 'commander';
import { cliActor, withKeepwatch } from './context.js';

export function syncCommand(program: Command): void {
  program
    .command('sync <connector>')
    .description('sync a pull connector now (by name or id) and print what it found; exits 1 if the sync failed')
    .action(async (idOrName: string) => {
      await withKeepwatch(async (kw) => {
        const actor = cliActor();
        const connector = await kw.services.connectors.resolve(actor, idOrName);
        const run = await kw.services.connectors.sync(actor, connector.id, 'cli');
        const counts = JSON.parse(run.counts) as Record<string, number>;
        const errors = JSON.parse(run.errors) as Array<{ scope: string; message: string }>;
        const seconds = ((run.finished_at ?? run.started_at) - run.started_at) / 1000;
        const lines = [`Synced "${connector.name}" (${connector.type}): ${run.status} in ${seconds.toFixed(1)} s.`];
        if (Object.keys(counts).length > 0) lines.push(Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' '));
        for (const e of errors) lines.push(`  ${e.scope}: ${e.message}`);
        if (run.error && errors.length === 0) lines.push(`  ${run.error}`);
        const failed = run.status === 'failed' || run.status === 'abandoned';
        (failed ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
        if (failed) process.exitCode = 1;
      });
    });
}
