// Test helper: the mail corpus in test/fixtures/email/<product>/, each folder with a manifest.json
// naming every sample's provenance and what the template must read from it (see the README there).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JobStatus } from '../../../domain/job.js';
import { parseEmail } from '../parse.js';
import type { ParsedEmail } from './types.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../../../../test/fixtures/email/', import.meta.url));

export interface SampleExpectation {
  /** The worst status among the jobs read. */
  status: JobStatus;
  /** How many jobs (objects) the template reads. */
  jobs: number;
  /** The devices read, in any order (optional). */
  devices?: string[];
  /** The checks read, in any order (optional). */
  checks?: string[];
  /** The kind every job has (optional). */
  kind?: string;
  /** True when at least one job has a size, false when none may (optional). */
  bytes?: boolean;
  /** True when at least one job has a duration (optional). */
  duration?: boolean;
}

export interface Sample {
  file: string;
  /** `real`: the text the template reads is quoted as published; `reconstructed`: built from the
   * product's source code, format strings or documentation. */
  origin: 'real' | 'reconstructed';
  /** URL, or `github:owner/repo/path` (with a commit when known). */
  source: string;
  /** Product version the sample is from, when known. */
  version: string | null;
  /** What was changed from the source (addresses, hostnames, headers added), or null. */
  changes: string | null;
  expect: SampleExpectation;
}

export interface Manifest {
  product: string;
  /** The id of the template that must recognise every sample in the folder. */
  template: string;
  /** Set, with the reason, for a product that mails only about problems (Datto's agent alerts):
   * its folder then needs no success sample. */
  problems_only?: string;
  /** Set, saying where we looked, for a product no real published mail was found for: its
   * template reads the layout of the product's own source or documentation, unverified against a
   * real mail, and docs/email.md says so. */
  no_real_sample?: string;
  samples: Sample[];
}

export function manifests(): Array<Manifest & { folder: string }> {
  return readdirSync(FIXTURE_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ folder: d.name, ...(JSON.parse(readFileSync(`${FIXTURE_DIR}${d.name}/manifest.json`, 'utf8')) as Manifest) }))
    .sort((a, b) => a.folder.localeCompare(b.folder));
}

/** Every sample as `<folder>/<file>`, with its folder's template id. */
export function samples(): Array<{ path: string; template: string; sample: Sample }> {
  return manifests().flatMap((m) => m.samples.map((sample) => ({ path: `${m.folder}/${sample.file}`, template: m.template, sample })));
}

/** Raw bytes of a corpus file, by `<folder>/<file>`. */
export function rawFixture(path: string): Buffer {
  return readFileSync(FIXTURE_DIR + path);
}

/** A corpus mail parsed the way the pipeline parses it; `path` is `<folder>/<file>`. */
export function loadFixture(path: string): Promise<ParsedEmail> {
  return parseEmail(rawFixture(path), ['backups@keepwatch.example']);
}
