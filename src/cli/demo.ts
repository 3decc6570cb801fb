import type { Command } from 'commander';
import type { Keepwatch } from '../app.js';
import { removeDemo } from '../demo/remove.js';
import { cliActor, withKeepwatch } from './context.js';

/** Loads the demo estate through recordJobs, as a real source would, then sets server schedules. */
export async function loadDemo(kw: Keepwatch): Promise<{ jobs: number }> {
  return kw.loadDemo(cliActor());
}

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('load a realistic demo estate: 3 clients, ~40 devices, 60 days of jobs; --remove deletes it again')
    .option('--remove', "remove the demo estate: the demo's three clients with everything under them, nothing else")
    .action(async (opts: { remove?: boolean }) => {
      await withKeepwatch(async (kw) => {
        if (opts.remove) {
          const removed = await removeDemo(kw.services.lifecycle, cliActor());
          process.stdout.write(removed.length > 0 ? `Removed the demo clients ${removed.join(', ')}.\n` : 'No demo clients to remove.\n');
          return;
        }
        const { jobs } = await loadDemo(kw);
        process.stdout.write(`Loaded ${jobs} demo jobs for 3 clients.\n`);
      });
    });
}
