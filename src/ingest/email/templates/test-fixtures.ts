// Test helper: the fixture mails in test/fixtures/email/, parsed the way the pipeline parses them.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseEmail } from '../parse.js';
import type { ParsedEmail } from './types.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../../../../test/fixtures/email/', import.meta.url));

export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.eml'))
    .sort();
}

export function loadFixture(name: string): Promise<ParsedEmail> {
  return parseEmail(readFileSync(FIXTURE_DIR + name), ['backups@keepwatch.example']);
}
