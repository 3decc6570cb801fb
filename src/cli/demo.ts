import type { Command } from 'commander';
import type { Keepwatch } from '../app.js';
import { cliActor, withKeepwatch } from './context.js';

/** Loads the demo estate through recordJobs, as a real source would, then sets server schedules. */
export async function loadDemo(kw: Keepwatch): Promise<{ jobs: number }> {
  return kw.loadDemo(cliActor());
}

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('load a realistic demo estate: 3 clients, ~40 devices, 60 days of jobs')
    .action(async () => {
      await withKeepwatch(async (kw) => {
        const { jobs } = await loadDemo(kw);
        process.stdout.write(`Loaded ${jobs} demo jobs for 3 clients.\n`);
      });
    });
}
