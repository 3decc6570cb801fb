// Single sign-on settings of the workspace (issue #24): one settings document, scope `sso`, with
// the OpenID Connect client secret sealed at rest (src/lib/secret-box.ts). Owners read and change
// it through GET|PUT /api/v1/sso; the secret is write-only there ("***" when set) and, as every
// stored secret, is never sent to a new issuer: changing `issuer` needs `client_secret` again.
import type { SettingsRepository } from '../db/repositories/settings.js';
import type { UserRow } from '../db/schema.js';
import type { Principal } from '../domain/access.js';
import { type FieldProblem, ValidationError } from '../domain/errors.js';
import type { Clock } from '../lib/clock.js';
import type { SecretBox } from '../lib/secret-box.js';
import { endpointKey, MASK } from '../lib/secret-config.js';
import type { AuditService } from '../ops/audit.js';

const SCOPE = 'sso';
/** Roles single sign-on may give: never owner (an owner is made by another owner). */
export const SSO_ROLES = ['viewer', 'operator', 'admin'] as const;
export type SsoRole = (typeof SSO_ROLES)[number];

/** Claim → role: the first value of `claim` (a string or a list) found in `values` gives the role. */
export interface RoleClaim {
  claim: string;
  values: Record<string, SsoRole>;
}

/** Group → clients: a user in any listed group (claim `claim`) is limited to the union of those clients. */
export interface GroupClients {
  claim: string;
  groups: Record<string, string[]>;
}

export interface SsoConfig {
  enabled: boolean;
  issuer: string;
  client_id: string;
  /** Plain in memory, sealed in the stored document; '' when none is stored. */
  client_secret: string;
  allowed_domains: string[];
  default_role: SsoRole;
  auto_create: boolean;
  password_sign_in: boolean;
  role_claim: RoleClaim | null;
  group_clients: GroupClients | null;
}

/** What PUT /api/v1/sso may carry: every field optional (absent keeps the stored value). */
export type SsoPatch = Partial<Omit<SsoConfig, 'client_secret'>> & { client_secret?: string };

const DEFAULTS: SsoConfig = {
  enabled: false,
  issuer: '',
  client_id: '',
  client_secret: '',
  allowed_domains: [],
  default_role: 'viewer',
  auto_create: false,
  password_sign_in: true,
  role_claim: null,
  group_clients: null,
};

interface StoredDoc extends Omit<SsoConfig, 'client_secret'> {
  client_secret: { sealed: string } | null;
}

/** Checks that the issuer answers a valid discovery document; the reason when it does not. */
export type IssuerCheck = (config: SsoConfig) => Promise<string | null>;

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/** An issuer URL's problem, or null: https, or http only to this machine (a test or a local IdP). */
export function issuerProblem(issuer: string): string | null {
  let u: URL;
  try {
    u = new URL(issuer);
  } catch {
    return 'is not a URL';
  }
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && LOOPBACK.test(u.hostname)) return null;
  return 'must be an https URL';
}

function domainOf(text: string): string {
  return text.trim().toLowerCase().replace(/^@/, '').replace(/\.$/, '');
}

export class SsoService {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly publicUrl: string,
    private readonly checkIssuer: IssuerCheck,
  ) {}

  get redirectUri(): string {
    return `${this.publicUrl}/auth/oidc/callback`;
  }

  /** The settings with the secret opened: for the sign-in flow only, never for an answer. */
  async config(): Promise<SsoConfig> {
    const raw = await this.settings.get(SCOPE);
    if (raw === null) return { ...DEFAULTS };
    const doc = { ...DEFAULTS, ...(JSON.parse(raw) as Partial<StoredDoc>) } as StoredDoc;
    let secret = '';
    if (doc.client_secret) {
      try {
        secret = this.box.open(doc.client_secret.sealed);
      } catch {
        // Sealed under another KEEPWATCH_SECRET_KEY: as if none were stored (sign-in fails with an issuer error).
        secret = '';
      }
    }
    return { ...doc, client_secret: secret };
  }

  /** The settings as GET /api/v1/sso answers them: the secret masked. */
  async view(): Promise<Omit<SsoConfig, 'client_secret'> & { client_secret: string | null; redirect_uri: string }> {
    const c = await this.config();
    return { ...c, client_secret: c.client_secret === '' ? null : MASK, redirect_uri: this.redirectUri };
  }

  async enabled(): Promise<boolean> {
    return (await this.config()).enabled;
  }

  /**
   * Why this user may not sign in with a password: SSO is on and password sign-in off, and the
   * user is not a break-glass owner. Null when they may.
   */
  async passwordRefusal(user: UserRow): Promise<string | null> {
    const c = await this.config();
    if (!c.enabled || c.password_sign_in) return null;
    if (user.role === 'owner' && user.break_glass === 1) return null;
    return 'password sign-in is switched off for this workspace: use "Sign in with SSO"';
  }

  async update(actor: Principal, patch: SsoPatch, resolveClients: (refs: string[]) => Promise<string[]>): Promise<void> {
    const stored = await this.config();
    const next: SsoConfig = { ...stored };
    const problems: FieldProblem[] = [];
    const secretGiven = patch.client_secret !== undefined && patch.client_secret !== MASK;
    for (const k of Object.keys(patch) as Array<keyof SsoPatch>) {
      if (k === 'client_secret' || patch[k] === undefined) continue;
      (next as unknown as Record<string, unknown>)[k] = patch[k];
    }
    next.issuer = next.issuer.trim();
    next.client_id = next.client_id.trim();
    if (secretGiven) next.client_secret = patch.client_secret!;
    const issuerMoved = endpointKey(next.issuer) !== endpointKey(stored.issuer);
    if (issuerMoved && !secretGiven && stored.client_secret !== '') {
      problems.push({ field: 'client_secret', message: 'is required again: issuer changed, and a stored secret is never sent to a new issuer' });
      next.client_secret = '';
    }
    if (next.issuer !== '') {
      const p = issuerProblem(next.issuer);
      if (p) problems.push({ field: 'issuer', message: p });
    }
    next.allowed_domains = [...new Set(next.allowed_domains.map(domainOf).filter((d) => d !== ''))];
    for (const d of next.allowed_domains) {
      if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d)) problems.push({ field: 'allowed_domains', message: `"${d}" is not a domain name` });
    }
    if (!SSO_ROLES.includes(next.default_role)) problems.push({ field: 'default_role', message: `must be one of: ${SSO_ROLES.join(', ')}` });
    if (next.role_claim) {
      for (const [value, role] of Object.entries(next.role_claim.values)) {
        if (!SSO_ROLES.includes(role)) problems.push({ field: 'role_claim.values', message: `"${value}" maps to ${role}; must be one of: ${SSO_ROLES.join(', ')}` });
      }
    }
    if (next.group_clients) {
      const groups: Record<string, string[]> = {};
      for (const [group, refs] of Object.entries(next.group_clients.groups)) {
        try {
          groups[group] = await resolveClients(refs);
        } catch (err) {
          problems.push({ field: 'group_clients.groups', message: `${group}: ${(err as Error).message}` });
        }
      }
      next.group_clients = { claim: next.group_clients.claim, groups };
    }
    if (next.enabled) {
      if (next.issuer === '') problems.push({ field: 'issuer', message: 'is required to enable single sign-on' });
      if (next.client_id === '') problems.push({ field: 'client_id', message: 'is required to enable single sign-on' });
      if (next.client_secret === '' && !problems.some((p) => p.field === 'client_secret')) problems.push({ field: 'client_secret', message: 'is required to enable single sign-on' });
      if (next.auto_create && next.allowed_domains.length === 0) {
        problems.push({ field: 'allowed_domains', message: 'must name at least one domain when users are created at their first sign-in (auto_create)' });
      }
    }
    if (problems.length > 0) throw new ValidationError(problems);
    if (next.enabled) {
      const why = await this.checkIssuer(next);
      if (why !== null) throw ValidationError.field('issuer', why);
    }
    const doc: StoredDoc = { ...next, client_secret: next.client_secret === '' ? null : { sealed: this.box.seal(next.client_secret) } };
    await this.settings.put(SCOPE, JSON.stringify(doc), this.clock.now(), actor.id);
    // As for every config: the names of the fields given, never their values.
    const fields = Object.keys(patch).filter((k) => patch[k as keyof SsoPatch] !== undefined && (k !== 'client_secret' || secretGiven));
    await this.audit.record(actor, { action: 'sso.update', details: { fields, enabled: next.enabled } });
  }
}
