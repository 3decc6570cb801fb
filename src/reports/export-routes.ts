// Streamed exports for SIEMs and log analytics: NDJSON (one record a line) or CSV, written as
// rows are read, so millions of rows take constant memory.
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { csvField } from '../lib/csv.js';
import type { ExportKind, ExportService, Row } from './exports.js';
import { DateOrTime, problemResponses, StringEnum } from '../http/schemas.js';
import type { Api } from '../http/types.js';

const KINDS: Array<{ kind: ExportKind; ability: 'read' | 'admin'; scope?: 'workspace'; what: string }> = [
  { kind: 'jobs', ability: 'read', what: 'Jobs received in the period (their current state), oldest first' },
  { kind: 'alerts', ability: 'read', what: 'Alerts raised in the period (their current state), oldest first' },
  { kind: 'audit', ability: 'admin', scope: 'workspace', what: 'Audit log entries of the period, oldest first' },
];

async function* ndjson(rows: AsyncIterable<Row>): AsyncGenerator<string> {
  let chunk = '';
  for await (const r of rows) {
    chunk += `${JSON.stringify(r)}\n`;
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

async function* csvLines(columns: readonly string[], rows: AsyncIterable<Row>): AsyncGenerator<string> {
  let chunk = `${columns.join(',')}\r\n`;
  for await (const r of rows) {
    chunk += `${columns.map((c) => csvField(r[c])).join(',')}\r\n`;
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export function exportRoutes(app: Api, deps: { exports: ExportService }): void {
  for (const { kind, ability, scope, what } of KINDS) {
    app.get(
      `/api/v1/exports/${kind}`,
      {
        config: { ability, scope: scope ?? 'client' },
        schema: {
          tags: ['exports'],
          summary: `${what}, as NDJSON or CSV`,
          description:
            'Streamed. `from`/`to` are YYYY-MM-DD (to inclusive) or ISO date-times; default: the last 24 hours. ' +
            'Pull a period again (overlapping) to pick up later changes of the same records.',
          querystring: Type.Object({
            from: Type.Optional(DateOrTime('YYYY-MM-DD or ISO date-time')),
            to: Type.Optional(DateOrTime('YYYY-MM-DD (inclusive) or ISO date-time')),
            client: Type.Optional(Type.String({ description: 'client id' })),
            format: Type.Optional(StringEnum(['ndjson', 'csv'] as const)),
          }),
          produces: ['application/x-ndjson', 'text/csv'],
          response: {
            200: {
              description: 'one record per line',
              content: { 'application/x-ndjson': { schema: Type.String() }, 'text/csv': { schema: Type.String() } },
            },
            ...problemResponses,
          },
        },
      },
      async (req, reply) => {
        const ex = await deps.exports.open(req.principal, kind, req.query);
        const csv = req.query.format === 'csv';
        const name = `keepwatch-${kind}-${ex.from.slice(0, 10)}-${ex.to.slice(0, 10)}.${csv ? 'csv' : 'ndjson'}`;
        return reply
          .type(csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}"`)
          .send(Readable.from(csv ? csvLines(ex.columns, ex.rows) : ndjson(ex.rows)) as never);
      },
    );
  }
}
