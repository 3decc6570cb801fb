// Users of the console. Passwords are hashed with scrypt (Node's own, memory-hard).
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { UserChanges, UserRepository } from '../db/repositories/users.js';
import type { UserRow } from '../db/schema.js';
import { type Principal, ROLES, type Role, userPrincipal } from '../domain/access.js';
import { ConflictError, type FieldProblem, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { AuditService } from '../ops/audit.js';

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

// Unknown e-mails are checked against this, so a wrong address takes as long as a wrong password.
const DUMMY_HASH = hashPassword(randomBytes(12).toString('hex'));

export interface NewUser {
  email: string;
  password: string;
  role: string;
  name?: string | null;
  clientIds?: string[] | null;
}

export interface UserPatch {
  name?: string | null;
  role?: string;
  clientIds?: string[] | null;
  disabled?: boolean;
  password?: string;
  /** Owners only: keeps password sign-in when SSO switches it off. */
  breakGlass?: boolean;
}

function passwordProblem(field: string, password: string): FieldProblem | null {
  return password.length < MIN_PASSWORD_LENGTH ? { field, message: `must be at least ${MIN_PASSWORD_LENGTH} characters` } : null;
}

function clientIdsText(ids: string[] | null | undefined): string | null {
  return ids && ids.length > 0 ? JSON.stringify([...new Set(ids)]) : null;
}

export function principalOf(user: UserRow): Principal {
  return userPrincipal({ id: user.id, email: user.email, role: user.role as Role, clientIds: user.client_ids ? (JSON.parse(user.client_ids) as string[]) : null });
}

export class UserService {
  constructor(
    private readonly repo: UserRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** Called when a user's sessions must end (disabled, password reset, removed). */
    private readonly onRevoke: (userId: string) => Promise<void> = async () => {},
  ) {}

  async create(actor: Principal, input: NewUser): Promise<UserRow> {
    const row = await this.newRow(input);
    if (await this.repo.byEmail(row.email)) throw new ConflictError(`a user with e-mail ${row.email} exists`);
    await this.repo.insert(row);
    await this.audit.record(actor, { action: 'user.create', targetType: 'user', targetId: row.id, details: { email: row.email, role: row.role, client_ids: row.client_ids } });
    return row;
  }

  /** First run: creates the owner while none exists; a conflict afterwards. */
  async setupOwner(input: Omit<NewUser, 'role' | 'clientIds'>): Promise<UserRow> {
    const row = { ...(await this.newRow({ ...input, role: 'owner', clientIds: null })), break_glass: 1 };
    if (!(await this.repo.insertFirstOwner(row))) throw new ConflictError('setup is done: an owner exists; sign in instead');
    await this.audit.record(principalOf(row), { action: 'setup.owner', targetType: 'user', targetId: row.id, details: { email: row.email } });
    return row;
  }

  async needsSetup(): Promise<boolean> {
    return (await this.repo.activeOwners()) === 0;
  }

  async list(): Promise<UserRow[]> {
    return this.repo.list();
  }

  async get(id: string): Promise<UserRow> {
    const user = await this.repo.byId(id);
    if (!user) throw new NotFoundError('user', id);
    return user;
  }

  async update(actor: Principal, id: string, patch: UserPatch): Promise<UserRow> {
    const user = await this.get(id);
    const problems: FieldProblem[] = [];
    if (patch.role !== undefined && !ROLES.includes(patch.role as Role)) problems.push({ field: 'role', message: `must be one of: ${ROLES.join(', ')}` });
    const pw = patch.password === undefined ? null : passwordProblem('password', patch.password);
    if (pw) problems.push(pw);
    if (patch.breakGlass === true && (patch.role ?? user.role) !== 'owner') problems.push({ field: 'break_glass', message: 'only an owner can be a break-glass user' });
    if (problems.length > 0) throw new ValidationError(problems);
    const losesOwner = user.role === 'owner' && user.disabled_at === null && ((patch.role !== undefined && patch.role !== 'owner') || patch.disabled === true);
    if (losesOwner && (await this.repo.activeOwners()) <= 1) throw new ConflictError('this is the last owner: make another user owner first');
    const now = this.clock.now();
    const changes: UserChanges = {
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.role !== undefined && { role: patch.role }),
      ...(patch.clientIds !== undefined && { client_ids: clientIdsText(patch.clientIds) }),
      ...(patch.disabled !== undefined && { disabled_at: patch.disabled ? (user.disabled_at ?? now) : null }),
      ...(patch.password !== undefined && { password_hash: await hashPassword(patch.password) }),
      ...(patch.breakGlass !== undefined && { break_glass: patch.breakGlass ? 1 : 0 }),
      ...(patch.role !== undefined && patch.role !== 'owner' && { break_glass: 0 }),
    };
    await this.repo.update(id, changes, now);
    if (patch.disabled === true || patch.password !== undefined) await this.onRevoke(id);
    const { password: _pw, ...logged } = patch;
    await this.audit.record(actor, { action: 'user.update', targetType: 'user', targetId: id, details: { ...logged, password_reset: patch.password !== undefined } });
    return this.get(id);
  }

  async remove(actor: Principal, id: string): Promise<void> {
    const user = await this.get(id);
    if (actor.kind === 'user' && actor.id === id) throw new ForbiddenError('you cannot remove yourself');
    if (user.role === 'owner' && user.disabled_at === null && (await this.repo.activeOwners()) <= 1) {
      throw new ConflictError('this is the last owner: make another user owner first');
    }
    await this.repo.remove(id);
    await this.audit.record(actor, { action: 'user.remove', targetType: 'user', targetId: id, details: { email: user.email } });
  }

  /** The user with this e-mail address (any case), or null. */
  async byEmail(email: string): Promise<UserRow | null> {
    return (await this.repo.byEmail(email.trim().toLowerCase())) ?? null;
  }

  /**
   * A user who signs in through single sign-on, made at their first sign-in: no password (the
   * stored hash matches none; an owner may set one later).
   */
  async createExternal(actor: Principal, input: { email: string; role: string; clientIds: string[] | null; name: string | null }): Promise<UserRow> {
    const row: UserRow = { ...(await this.newRow({ ...input, password: randomBytes(24).toString('base64url') })), password_hash: 'sso$no-password', break_glass: 0 };
    if (await this.repo.byEmail(row.email)) throw new ConflictError(`a user with e-mail ${row.email} exists`);
    await this.repo.insert(row);
    await this.audit.record(actor, { action: 'user.create', targetType: 'user', targetId: row.id, details: { email: row.email, role: row.role, client_ids: row.client_ids, via: 'oidc' } });
    return row;
  }

  /** The user with these credentials, or null; takes as long for an unknown e-mail as for a wrong password. */
  async verifyCredentials(email: string, password: string): Promise<UserRow | null> {
    const user = await this.repo.byEmail(email.trim().toLowerCase());
    const ok = await verifyPassword(password, user?.password_hash ?? (await DUMMY_HASH));
    return user && ok && user.disabled_at === null ? user : null;
  }

  async changePassword(actor: Principal, current: string, next: string): Promise<UserRow> {
    if (actor.kind !== 'user') throw new ForbiddenError('only a signed-in user has a password');
    const user = await this.get(actor.id);
    if (!(await verifyPassword(current, user.password_hash))) throw ValidationError.field('current_password', 'is not your current password');
    const pw = passwordProblem('new_password', next);
    if (pw) throw new ValidationError([pw]);
    await this.repo.update(user.id, { password_hash: await hashPassword(next) }, this.clock.now());
    await this.onRevoke(user.id);
    await this.audit.record(actor, { action: 'user.password_change', targetType: 'user', targetId: user.id });
    return this.get(user.id);
  }

  private async newRow(input: NewUser): Promise<UserRow> {
    const email = input.email.trim().toLowerCase();
    const problems: FieldProblem[] = [];
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) problems.push({ field: 'email', message: 'is not an e-mail address' });
    if (!ROLES.includes(input.role as Role)) problems.push({ field: 'role', message: `must be one of: ${ROLES.join(', ')}` });
    const pw = passwordProblem('password', input.password);
    if (pw) problems.push(pw);
    if (problems.length > 0) throw new ValidationError(problems);
    const now = this.clock.now();
    return {
      id: newId(),
      email,
      name: input.name?.trim() || null,
      password_hash: await hashPassword(input.password),
      role: input.role,
      client_ids: clientIdsText(input.clientIds),
      created_at: now,
      updated_at: now,
      disabled_at: null,
      break_glass: 0,
    };
  }
}
