// `keepwatch <command>`: one file per command; this only assembles them.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { ConfigError } from '../config/index.js';
import { DomainError } from '../domain/errors.js';
import { backupCommands } from './backup.js';
import { collectCommand } from './collect.js';
import { demoCommand } from './demo.js';
import { emailCommands } from './email.js';
import { evaluateCommand } from './evaluate.js';
import { migrateCommand } from './migrate.js';
import { serveCommand } from './serve.js';
import { syncCommand } from './sync.js';
import { tokenCommands } from './token.js';
import { userCommands } from './user.js';

const program = new Command('keepwatch')
  .description('Keepwatch: backup monitoring and alerting. Configure with KEEPWATCH_* variables (see README).')
  .version((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version, '-V, --version')
  .showHelpAfterError();

serveCommand(program);
migrateCommand(program);
tokenCommands(program);
userCommands(program);
demoCommand(program);
evaluateCommand(program);
backupCommands(program);
syncCommand(program);
collectCommand(program);
emailCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError || err instanceof DomainError) {
    process.stderr.write(`keepwatch: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
