/**
 * Embedded reference backend for the Nova Update Server suite: a small in-process imitation of
 * Nova Zed (26.2.2, microversions 2.1–2.93) plus a Keystone v3 stub, with switchable defects.
 */

import { NOVA_FAULTS as FAULTS, type NovaFault } from './faults.ts';
import { parseMicroversion, ZED_MAX_MICROVERSION } from './microversion.ts';
import { DEFAULT_BODY_LIMIT, startServer } from './server.ts';

export type { NovaFault } from './faults.ts';
export { parseFaults } from './faults.ts';

export interface NovaReferenceOptions {
  port?: number;
  faults?: NovaFault[];
  maxMicroversion?: string;
  tokenLifetimeSeconds?: number;
  /** Request bodies above this many bytes get 413 overLimit (default 114688, oslo sizelimit's default). */
  bodyLimitBytes?: number;
  /** false: a compute service that never acts (os-stop accepted, never completed; routes.ts ComputeDeps.computeActs). */
  computeActs?: boolean;
}

export interface NovaReferenceUser {
  username: string;
  password: string;
  project: string;
  projectId: string;
  token: string;
}

export interface NovaReference {
  /** compute endpoint, e.g. http://127.0.0.1:PORT/v2.1 */
  url: string;
  /** e.g. http://127.0.0.1:PORT/identity/v3 */
  identityUrl: string;
  users: Record<'memberA' | 'memberB' | 'admin' | 'readerA', NovaReferenceUser>;
  serverIds: { a: string[]; b: string[] };
  setFaults(f: NovaFault[]): void;
  close(): Promise<void>;
}

export const NOVA_FAULTS: readonly { name: NovaFault; family: string; description: string }[] = FAULTS;

export async function startNovaReference(opts: NovaReferenceOptions = {}): Promise<NovaReference> {
  const maxText = opts.maxMicroversion ?? ZED_MAX_MICROVERSION;
  const max = parseMicroversion(maxText);
  if (max?.major !== 2 || max.minor < 1) throw new Error(`maxMicroversion "${maxText}" is not a 2.x microversion`);
  const running = await startServer({
    port: opts.port ?? 0,
    maxMicroversion: max,
    tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 3600,
    bodyLimitBytes: opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    // The switch (NOVA_REFERENCE_FAULTS) is read by the callers that own a configuration: main.ts and the CLI.
    faults: opts.faults ?? [],
    computeActs: opts.computeActs,
  });
  const u = running.keystone.users;
  const user = (x: typeof u.memberA): NovaReferenceUser => ({
    username: x.name,
    password: x.password,
    project: x.project.name,
    projectId: x.project.id,
    token: x.staticToken,
  });
  return {
    url: `${running.origin}/v2.1`,
    identityUrl: `${running.origin}/identity/v3`,
    users: { memberA: user(u.memberA), memberB: user(u.memberB), admin: user(u.admin), readerA: user(u.readerA) },
    serverIds: running.serverIds,
    setFaults: (f) => running.setFaults(f),
    close: () => running.close(),
  };
}

/**
 * The ordinary configuration variables that point a run at this backend with Keystone password auth, a second
 * project and the seeded servers. `origin` reroutes identity and compute through another origin (a proxy).
 */
export function passwordAuthEnv(ref: NovaReference, origin?: string): Record<string, string> {
  const u = ref.users;
  const via = origin ?? new URL(ref.url).origin;
  return {
    OS_AUTH_URL: origin ? `${origin}/identity/v3` : ref.identityUrl,
    OS_AUTH_TYPE: 'password',
    OS_USERNAME: u.memberA.username,
    OS_PASSWORD: u.memberA.password,
    OS_PROJECT_NAME: u.memberA.project,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: 'RegionOne',
    OS_ALT_USERNAME: u.memberB.username,
    OS_ALT_PASSWORD: u.memberB.password,
    OS_ALT_PROJECT_NAME: u.memberB.project,
    OS_READER_USERNAME: u.readerA.username,
    OS_READER_PASSWORD: u.readerA.password,
    OS_READER_PROJECT_NAME: u.readerA.project,
    NOVA_SERVER_IDS: ref.serverIds.a.join(','),
    NOVA_ALT_SERVER_IDS: ref.serverIds.b.join(','),
    // The catalog names the backend itself: through another origin, the override keeps compute traffic there.
    ...(origin ? { OS_COMPUTE_ENDPOINT_OVERRIDE: `${via}/v2.1` } : {}),
  };
}
