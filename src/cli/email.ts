import type { Command } from 'commander';
import { ValidationError } from '../domain/errors.js';
import { cliActor, withKeepwatch } from './context.js';

export function emailCommands(program: Command): void {
  const email = program.command('email').description('stored status e-mail');
  email
    .command('reprocess')
    .description('process stored messages again (after a parser or template fix), now')
    .option('--state <state>', 'only messages in this state: processed, unmatched, ignored or error')
    .option('--since <time>', 'only messages received since this ISO-8601 time')
    .action(async (opts: { state?: string; since?: string }) => {
      if (opts.state && !['processed', 'unmatched', 'ignored', 'error'].includes(opts.state)) {
        throw ValidationError.field('--state', 'expected processed, unmatched, ignored or error');
      }
      const since = opts.since === undefined ? undefined : Date.parse(opts.since);
      if (since !== undefined && Number.isNaN(since)) throw ValidationError.field('--since', 'expected an ISO-8601 time');
      await withKeepwatch(async (kw) => {
        const queued = await kw.services.emails.requeue(cliActor(), { state: opts.state, since });
        const done = await kw.email.worker.runUntilIdle();
        process.stdout.write(`Queued ${queued} messages; processed ${done}.\n`);
      });
    });
}
