// Users of the console. Passwords are hashed with scrypt (Node's own, memory-hard).
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import type { DB, UserRow } from '../db/schema.js';
import { type Principal, ROLES, type Role } from '../domain/access.js';
import { ConflictError, ValidationError } from '../domain/errors.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { AuditService } from './audit.js';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
const PARAMS = { N: 16384, r: 8, p: 1 };
export const MIN_PASSWORD_LENGTH = 10;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(actual, expected);
}

export interface NewUser {
  email: string;
  password: string;
  role: string;
  name?: string;
  clientIds?: string[] | null;
}

export class UserService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Principal, input: NewUser): Promise<UserRow> {
    const email = input.email.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw ValidationError.field('email', 'is not an e-mail address');
    if (!ROLES.includes(input.role as Role)) throw ValidationError.field('role', `must be one of: ${ROLES.join(', ')}`);
    if (input.password.length < MIN_PASSWORD_LENGTH) {
      throw ValidationError.field('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    const existing = await this.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (existing) throw new ConflictError(`a user with e-mail ${email} exists`);
    const now = this.clock.now();
    const row: UserRow = {
      id: newId(),
      email,
      name: input.name ?? null,
      password_hash: await hashPassword(input.password),
      role: input.role,
      client_ids: input.clientIds && input.clientIds.length > 0 ? JSON.stringify(input.clientIds) : null,
      created_at: now,
      updated_at: now,
      disabled_at: null,
    };
    await this.db.insertInto('users').values(row).execute();
    await this.audit.record(actor, { action: 'user.create', targetType: 'user', targetId: row.id, details: { email, role: row.role } });
    return row;
  }
}
