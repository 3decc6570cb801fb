// Config fields every PSA channel has: the ticket mapping, priority ids, client → company map, the
// MSP's own company (alerts without a client) and the key the PSA's callbacks present.
import { Type } from 'typebox';
import { CompaniesSchema, mappingSchema, PrioritiesSchema } from './mapping.js';
import { MAX_FOREIGN_ID } from '../../../domain/limits.js';

/** A write-only field: the API answers it as `***`; forms show a password input. */
export const secret = <T extends object>(options: T) => ({ ...options, secret: true }) as T;

export function commonPsaFields(ids: readonly ('board_id' | 'queue_id' | 'type_id' | 'status_id')[]) {
  return {
    priorities: Type.Optional(PrioritiesSchema),
    mapping: Type.Optional(mappingSchema(ids)),
    companies: Type.Optional(CompaniesSchema),
    msp_company_id: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FOREIGN_ID, title: 'MSP company id', description: 'the PSA company of alerts without a client (expired SaaS consent)' })),
    integration_key: Type.Optional(
      Type.String(secret({ minLength: 16, maxLength: 200, title: 'Integration key', description: 'X-Integration-Key the PSA sends on its callbacks to Keepwatch' })),
    ),
  };
}
