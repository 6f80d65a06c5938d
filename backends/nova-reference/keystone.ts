/**
 * A Keystone v3-compatible stub: enough of `POST /v3/auth/tokens` (password and token methods),
 * `GET /v3/auth/tokens` (validate) and `GET /v3` for an OpenStack client to get a project-scoped token
 * and find the compute endpoint in the catalog. Tokens expire after a configurable lifetime; per-user
 * static tokens never expire.
 */

import { randomBytes, randomUUID } from 'node:crypto';

export interface Project {
  id: string;
  name: string;
}

export interface User {
  id: string;
  name: string;
  password: string;
  project: Project;
  roles: string[];
  staticToken: string;
}

export interface TokenInfo {
  user: User;
  /** undefined for unscoped tokens (not accepted by compute). */
  project?: Project;
  roles: string[];
  expiresAt: Date;
  issuedAt: Date;
  methods: string[];
}

export interface IdentityReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const DOMAIN = { id: 'default', name: 'Default' };

function hexId(): string {
  return randomUUID().replace(/-/g, '');
}

export class Keystone {
  readonly projectA: Project = { id: hexId(), name: 'uc-project-a' };
  readonly projectB: Project = { id: hexId(), name: 'uc-project-b' };
  readonly users: { memberA: User; memberB: User; admin: User; readerA: User };
  private readonly tokens = new Map<string, TokenInfo>();
  private readonly roleIds = new Map<string, string>();

  constructor(
    private readonly lifetimeSeconds: number,
    private readonly computeUrl: () => string,
    private readonly identityUrl: () => string,
  ) {
    const mk = (name: string, project: Project, roles: string[]): User => ({
      id: hexId(),
      name,
      password: `${name}-secret`,
      project,
      roles,
      staticToken: `uc-static-${name}-${randomBytes(6).toString('hex')}`,
    });
    this.users = {
      memberA: mk('member-a', this.projectA, ['member', 'reader']),
      memberB: mk('member-b', this.projectB, ['member', 'reader']),
      admin: mk('admin', this.projectA, ['admin', 'member', 'reader']),
      readerA: mk('reader-a', this.projectA, ['reader']),
    };
    for (const r of ['admin', 'member', 'reader']) this.roleIds.set(r, hexId());
  }

  private allUsers(): User[] {
    return [this.users.memberA, this.users.memberB, this.users.admin, this.users.readerA];
  }

  /** The token's identity when it is valid and unexpired (static tokens included). */
  check(token: string | undefined): TokenInfo | undefined {
    if (!token) return undefined;
    for (const u of this.allUsers()) {
      if (u.staticToken === token) {
        return { user: u, project: u.project, roles: u.roles, expiresAt: new Date(8.64e15), issuedAt: new Date(0), methods: ['token'] };
      }
    }
    const t = this.tokens.get(token);
    if (!t) return undefined;
    if (t.expiresAt.getTime() <= Date.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    return t;
  }

  private unauthorized(message = 'The request you have made requires authentication.'): IdentityReply {
    return {
      status: 401,
      headers: { 'WWW-Authenticate': `Keystone uri="${this.identityUrl()}"` },
      body: { error: { code: 401, title: 'Unauthorized', message } },
    };
  }

  private badRequest(message: string): IdentityReply {
    return { status: 400, body: { error: { code: 400, title: 'Bad Request', message } } };
  }

  versionDocument(): IdentityReply {
    return {
      status: 200,
      body: {
        version: {
          id: 'v3.14',
          status: 'stable',
          updated: '2020-04-07T00:00:00Z',
          links: [{ rel: 'self', href: `${this.identityUrl()}/` }],
          'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
        },
      },
    };
  }

  private findUser(spec: Record<string, unknown>): User | undefined {
    const id = typeof spec.id === 'string' ? spec.id : undefined;
    const name = typeof spec.name === 'string' ? spec.name : undefined;
    return this.allUsers().find((u) => (id !== undefined && u.id === id) || (id === undefined && name !== undefined && u.name === name));
  }

  private findProject(spec: Record<string, unknown>): Project | undefined {
    const id = typeof spec.id === 'string' ? spec.id : undefined;
    const name = typeof spec.name === 'string' ? spec.name : undefined;
    return [this.projectA, this.projectB].find((p) => (id !== undefined && p.id === id) || (id === undefined && name !== undefined && p.name === name));
  }

  private tokenBody(t: TokenInfo): Record<string, unknown> {
    const body: Record<string, unknown> = {
      methods: t.methods,
      user: { id: t.user.id, name: t.user.name, domain: DOMAIN, password_expires_at: null },
      audit_ids: [randomBytes(16).toString('base64url').slice(0, 22)],
      expires_at: t.expiresAt.toISOString().replace(/Z$/, '000Z'),
      issued_at: t.issuedAt.toISOString().replace(/Z$/, '000Z'),
    };
    if (t.project) {
      body.project = { id: t.project.id, name: t.project.name, domain: DOMAIN };
      body.is_domain = false;
      body.roles = t.roles.map((r) => ({ id: this.roleIds.get(r) ?? r, name: r }));
      const compute = this.computeUrl();
      body.catalog = [
        {
          id: 'c0aa1ed0c0aa1ed0c0aa1ed0c0aa1ed0',
          type: 'compute',
          name: 'nova',
          endpoints: (['public', 'internal', 'admin'] as const).map((iface, i) => ({
            id: `c0de0000000000000000000000000${i}`,
            interface: iface,
            region_id: 'RegionOne',
            region: 'RegionOne',
            url: compute,
          })),
        },
        {
          id: '1de471471de471471de471471de47147',
          type: 'identity',
          name: 'keystone',
          endpoints: (['public', 'internal', 'admin'] as const).map((iface, i) => ({
            id: `1d000000000000000000000000000${i}`,
            interface: iface,
            region_id: 'RegionOne',
            region: 'RegionOne',
            url: this.identityUrl(),
          })),
        },
      ];
    }
    return { token: body };
  }

  /** `POST /v3/auth/tokens` */
  issue(body: unknown): IdentityReply {
    const auth = (body as { auth?: Record<string, unknown> } | null)?.auth;
    const identity = auth?.identity as Record<string, unknown> | undefined;
    const methods = identity?.methods;
    if (!auth || !identity || !Array.isArray(methods) || methods.length === 0) return this.badRequest("'identity' is a required property or malformed");
    let user: User | undefined;
    if (methods.includes('password')) {
      const spec = (identity.password as { user?: Record<string, unknown> } | undefined)?.user;
      if (!spec) return this.badRequest('password.user is required');
      const u = this.findUser(spec);
      if (!u || spec.password !== u.password) return this.unauthorized('The request you have made requires authentication.');
      user = u;
    } else if (methods.includes('token')) {
      const id = (identity.token as { id?: unknown } | undefined)?.id;
      const t = typeof id === 'string' ? this.check(id) : undefined;
      if (!t) return this.unauthorized('The request you have made requires authentication.');
      user = t.user;
    } else {
      return this.unauthorized(`Attempted to authenticate with an unsupported method.`);
    }
    let project: Project | undefined;
    const scope = auth.scope as Record<string, unknown> | undefined;
    if (scope?.project && typeof scope.project === 'object') {
      project = this.findProject(scope.project as Record<string, unknown>);
      if (!project || project.id !== user.project.id) return this.unauthorized('User has no access to project');
    }
    const now = new Date();
    const info: TokenInfo = {
      user,
      project,
      roles: project ? user.roles : [],
      issuedAt: now,
      expiresAt: new Date(now.getTime() + this.lifetimeSeconds * 1000),
      methods: methods.filter((m): m is string => typeof m === 'string'),
    };
    const token = `gAAAAA${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, info);
    return { status: 201, headers: { 'X-Subject-Token': token }, body: this.tokenBody(info) };
  }

  /** `GET /v3/auth/tokens` with X-Auth-Token and X-Subject-Token. */
  validate(authToken: string | undefined, subject: string | undefined): IdentityReply {
    if (!this.check(authToken)) return this.unauthorized();
    const t = this.check(subject);
    if (!t) return { status: 404, body: { error: { code: 404, title: 'Not Found', message: 'Could not find token.' } } };
    return { status: 200, headers: { 'X-Subject-Token': subject ?? '' }, body: this.tokenBody(t) };
  }
}
