import type { Command } from 'commander';
import { cliActor, withKeepwatch } from './context.js';

export function userCommands(program: Command): void {
  const user = program.command('user').description('console users');
  user
    .command('create')
    .description('create a user')
    .requiredOption('--email <email>')
    .requiredOption('--password <password>')
    .requiredOption('--role <role>', 'owner, admin, operator or viewer')
    .option('--client <client...>', 'limit the user to these clients (name or id)')
    .option('--name <name>')
    .action(async (opts: { email: string; password: string; role: string; client?: string[]; name?: string }) => {
      await withKeepwatch(async (kw) => {
        const clientIds = await kw.services.catalog.resolveClients(opts.client ?? []);
        const row = await kw.services.users.create(cliActor(), { ...opts, clientIds });
        process.stdout.write(`Created ${row.role} ${row.email} (${row.id}).\n`);
      });
    });
}
