import { Type } from 'typebox';
import { CHECK_KINDS } from '../domain/job.js';
import type { CheckService } from './checks.js';
import type { LifecycleService } from './lifecycle.js';
import { checkDto } from './dto.js';
import { CheckPatchSchema, CheckSchema, NewCheckSchema } from './schemas.js';
import type { CheckRow } from '../db/schema.js';
import { resourceRoutes } from '../http/resource-routes.js';
import { PageQuery, StringEnum } from '../http/schemas.js';
import type { Api } from '../http/types.js';
import { TagQuery } from './tag-schemas.js';

export function checkRoutes(app: Api, deps: { checks: CheckService; lifecycle: LifecycleService; publicUrl: string; mailDomain?: string }): void {
  const { checks, lifecycle, publicUrl, mailDomain } = deps;
  const dto = (c: CheckRow) => checkDto(c, publicUrl, mailDomain);
  const r = resourceRoutes(app, { path: '/api/v1/checks', tags: ['checks'], ability: 'read' });

  r.list(
    {
      summary: 'Checks with their schedules, states and ping URLs',
      item: CheckSchema,
      query: Type.Object({
        ...PageQuery,
        client: Type.Optional(Type.String({ description: 'client id' })),
        device: Type.Optional(Type.String({ description: 'device id' })),
        kind: Type.Optional(StringEnum(CHECK_KINDS)),
        state: Type.Optional(StringEnum(['new', 'up', 'down', 'late', 'overdue', 'paused'] as const)),
        ...TagQuery,
      }),
    },
    (p, query) => checks.list(p, query),
    dto,
  );
  r.get({ summary: 'One check', item: CheckSchema }, async (p, id) => dto(await checks.get(p, id)));
  r.create(
    {
      summary: 'Create a check on a device (by device_id, or by client and device name, created if new)',
      ability: 'operate',
      body: NewCheckSchema,
      item: CheckSchema,
      problems: [409],
    },
    async (p, body) => dto(await checks.create(p, body)),
  );
  r.update(
    { summary: "Change a check's name, kind, schedule, grace, max runtime, pause or e-mail rules", ability: 'operate', body: CheckPatchSchema, item: CheckSchema, problems: [409] },
    async (p, id, body) => dto(await checks.update(p, id, body)),
  );
  r.remove({ summary: 'Delete a check with its jobs and alerts', ability: 'admin' }, (p, id) => lifecycle.deleteCheck(p, id));
}
