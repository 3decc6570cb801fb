// `npm start` builds only what is missing or older than its sources: the first run builds the
// server and the console (about a minute), later runs start at once.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const newest = (path) => {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, name) => (name === 'schema.gen.ts' ? m : Math.max(m, newest(join(path, name)))), 0);
};
const built = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

const sources = Math.max(newest('src'), newest('web/src'), newest('web/index.html'), newest('package-lock.json'));
const output = Math.min(built('dist/main.js'), built('web/dist/index.html'));
if (output < sources) {
  process.stderr.write('keepwatch: building the server and the web console …\n');
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
}
