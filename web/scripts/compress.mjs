// Gzip and Brotli copies of the built scripts and styles: the server sends them to browsers that
// accept them (@fastify/static preCompressed), so the first view downloads a fraction of its size.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = new URL('../dist/assets/', import.meta.url).pathname;
for (const name of readdirSync(dir)) {
  if (!/\.(js|css|svg)$/.test(name)) continue;
  const data = readFileSync(join(dir, name));
  writeFileSync(join(dir, `${name}.gz`), gzipSync(data, { level: 9 }));
  writeFileSync(join(dir, `${name}.br`), brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
}
