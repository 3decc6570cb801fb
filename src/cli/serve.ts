import type { Command } from 'commander';
import { serve } from '../main.js';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run the API, console, SMTP listener and workers in this process')
    .action(serve);
}
