#!/usr/bin/env node
// The `keepwatch` command. The TypeScript is compiled to dist/ by `npm ci` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/index.js', import.meta.url);
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(`keepwatch needs Node.js 22 or newer; this is ${process.version}\n`);
  process.exit(1);
}
if (!existsSync(entry)) {
  process.stderr.write('keepwatch is not built yet: run `npm run build` first\n');
  process.exit(1);
}
await import(entry.href);
