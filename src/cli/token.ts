import type { Command } from 'commander';
import { cliActor, withKeepwatch } from './context.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

export function tokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens');
  token
    .command('create')
    .description('create a token; it is printed once, alone on the last line')
    .requiredOption('--scope <scope>', 'ingest (scripts, connectors), read, or admin')
    .option('--name <name>', 'what it is for, e.g. veeam')
    .option('--client <client...>', 'limit to these clients (name or id)')
    .option('--daily-limit <n>', 'calls allowed per UTC day', (v) => Number(v))
    .action(async (opts: { scope: string; name?: string; client?: string[]; dailyLimit?: number }) => {
      await withKeepwatch(async (kw) => {
        const clientIds = opts.client ? await kw.services.catalog.resolveClients(opts.client) : null;
        const { token: secret, view } = await kw.services.tokens.create(cliActor(), {
          scope: opts.scope,
          name: opts.name,
          clientIds,
          dailyLimit: opts.dailyLimit ?? null,
        });
        process.stdout.write(`Created ${view.scope} token "${view.name}" (${view.id}). Keep it now: it is not shown again.\n${secret}\n`);
      });
    });
  token
    .command('list')
    .description('list tokens (never their secrets)')
    .action(async () => {
      await withKeepwatch(async (kw) => {
        const rows = await kw.services.tokens.list();
        const lines = rows.map((t) =>
          [t.id, t.prefix, t.scope, t.name, t.client_ids ? t.client_ids.join(',') : 'all clients', t.daily_limit ?? '-', iso(t.last_used_at), t.revoked_at ? `revoked ${iso(t.revoked_at)}` : 'active'].join('\t'),
        );
        process.stdout.write(`${['id', 'prefix', 'scope', 'name', 'clients', 'daily limit', 'last used', 'state'].join('\t')}\n${lines.join('\n')}\n`);
      });
    });
  token
    .command('revoke <token>')
    .description('revoke a token by id, prefix or name')
    .action(async (idOrPrefix: string) => {
      await withKeepwatch(async (kw) => {
        const view = await kw.services.tokens.revoke(cliActor(), idOrPrefix);
        process.stdout.write(`Revoked token "${view.name}" (${view.id}).\n`);
      });
    });
}
