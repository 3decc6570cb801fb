// Import rules checked by `npm run lint` (dependency-cruiser): a new cycle, a query outside src/db
// or I/O in the pure domain fails CI. See docs/architecture.md.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules form a tree: a cycle means two concepts that cannot be understood apart.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'sql-only-in-db',
      comment: 'Only src/db (schema, migrations, repositories) builds queries; services get repositories and transactions.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/db/' },
      to: { path: 'node_modules/kysely/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'src/domain holds pure rules: it may use src/lib helpers and npm packages, nothing with I/O of ours.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/(domain|lib)/' },
    },
    {
      name: 'lib-is-leaf',
      comment: 'src/lib holds small helpers that know nothing of Keepwatch concepts.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
  ],
  options: {
    // TypeScript 7 has no compiler API that dependency-cruiser can use: parse with swc.
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|web/dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
