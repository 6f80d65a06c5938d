/**
 * Embedded reference backend for the Nova Update Server suite: a small in-process imitation of
 * Nova Zed (26.2.2, microversions 2.1–2.93) plus a Keystone v3 stub, with switchable defects.
 */

import { NOVA_FAULTS as FAULTS, type NovaFault, parseFaults } from './faults.ts';
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
  users: Record<'memberA' | 'memberB' | 'admin', NovaReferenceUser>;
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
    faults: opts.faults ?? parseFaults(process.env.NOVA_REFERENCE_FAULTS),
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
    users: { memberA: user(u.memberA), memberB: user(u.memberB), admin: user(u.admin) },
    serverIds: running.serverIds,
    setFaults: (f) => running.setFaults(f),
    close: () => running.close(),
  };
}
