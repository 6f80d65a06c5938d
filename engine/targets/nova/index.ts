/**
 * OpenStack Compute "Update Server" (`PUT /v2.1/{tenant_id}/servers/{server_id}`): every case runs at each
 * microversion boundary inside its range and the target's, on a server leased from the run's pool.
 */
import type { CaseVariant } from '../../cases/types.ts';
import { SchemaRegistry } from '../../schemas.ts';
import { compareVersions, describeRange } from '../../versions.ts';
import type { TargetModule } from '../target.ts';
import { loadNovaConfig, type NovaTargetConfig } from './config.ts';
import { novaGeneration } from './generate.ts';
import { novaSupersedes } from './interop.ts';
import { discoverNova, doctorNova, type NovaFacts, preflightNova } from './preflight.ts';
import { addNovaSchemas, type ServerCase, serverSkipReason, serversUpdateAdapter, serverVariants } from './servers-update.ts';
import { openNovaSession } from './session.ts';
import { sweepNova, undoNovaRun } from './sweep.ts';

export const novaTarget = {
  name: 'nova' as const,
  suite: 'nova.servers.update',
  title: 'OpenStack Compute Update Server',
  apiName: 'compute',
  caseFile: 'nova/servers-update.cases.yaml',
  caseSchema: 'nova/case.schema.json',
  variantAxis: 'microversion',
  // A run's servers are put back rather than deleted (only servers the run created are deleted).
  generation: novaGeneration,
  sweepWords: { dryRun: 'would undo:', done: 'undone:', failed: 'could not undo' },
  variables: [
    'OS_CLOUD',
    'OS_ALT_CLOUD',
    'OS_READER_CLOUD',
    'OS_CLIENT_CONFIG_FILE',
    'OS_CLIENT_SECURE_FILE',
    ...['', 'ALT_', 'READER_'].flatMap((alt) =>
      ['AUTH_TYPE', 'AUTH_URL', 'USERNAME', 'PASSWORD', 'PROJECT_NAME', 'PROJECT_ID', 'USER_DOMAIN_NAME', 'PROJECT_DOMAIN_NAME', 'TOKEN'].map(
        (n) => `OS_${alt}${n}`,
      ),
    ),
    'OS_REGION_NAME',
    'OS_INTERFACE',
    'OS_CACERT',
    'OS_INSECURE',
    'OS_COMPUTE_ENDPOINT_OVERRIDE',
    'OS_COMPUTE_API_VERSION',
    'NOVA_SERVER_IDS',
    'NOVA_ALT_SERVER_IDS',
    'NOVA_SHUTOFF_SERVER_ID',
    'NOVA_ACTION_WAIT_SECONDS',
    'NOVA_IMAGE_REF',
    'NOVA_FLAVOR_REF',
    'NOVA_NETWORKS',
  ],
  // openrc files and other OpenStack tools set OS_* names this suite does not read.
  sharedNamespaces: ['OS_'],
  supersedes: novaSupersedes,

  loadConfig: loadNovaConfig,
  origin: (cfg) => cfg.origin,
  describeConfig: (nova) => ({
    from: nova.origin,
    auth: nova.credentials.authType,
    authUrl: nova.credentials.authUrl ?? null,
    project: nova.credentials.projectName ?? nova.credentials.projectId ?? null,
    computeEndpointOverride: nova.endpointOverride ?? null,
    region: nova.regionName ?? null,
    interface: nova.interface,
    microversionCap: nova.apiVersionCap ?? null,
    ca: nova.ca ? 'given' : 'system store',
    insecure: nova.insecure,
    servers: nova.create ? { create: nova.create } : { ids: nova.serverIds },
    secondProject: nova.alt ? 'configured' : 'not configured',
  }),
  insecureWarning: (cfg) => (cfg.insecure ? 'OS_INSECURE is on: the server certificate is NOT verified' : undefined),

  variants: (cases, facts) => serverVariants(cases, facts.range),
  listVariants: (c) => [`microversions ${describeRange(c.versions ?? {})}`],
  // A release is known by the highest microversion it serves (Zed 2.93, 2023.1 2.95, … 2026.2 2.104).
  upstreamVersion: (facts) => facts.targetMax,
  skipReason: serverSkipReason,
  describeVariants(variants: CaseVariant<ServerCase>[]) {
    const mvs = [...new Set(variants.map((v) => v.variant).filter((x): x is string => Boolean(x) && x !== 'unsupported'))].sort(compareVersions);
    return ` at microversions ${mvs.join(', ')}`;
  },

  preflight: preflightNova,
  discover: discoverNova,
  async open(cfg, run, facts) {
    const schemas = new SchemaRegistry();
    const table = addNovaSchemas(schemas);
    const session = await openNovaSession(cfg, run, facts);
    return {
      adapter: serversUpdateAdapter(session, table),
      schemas,
      info: {
        suite: 'nova.servers.update',
        url: session.client.endpoint,
        version: `compute microversions ${session.range.min}–${session.range.max}${session.targetMax !== session.range.max ? ` (target max ${session.targetMax}, capped)` : ''}`,
        details: {
          auth: cfg.credentials.authType,
          config: cfg.origin,
          'second project': session.alt ? 'configured' : 'not configured (cross-project cases skipped)',
          servers: cfg.serverIds.length ? `${cfg.serverIds.length} given` : 'created by the run',
        },
        insecure: cfg.insecure,
      },
      close: () => session.close(),
    };
  },
  doctor: doctorNova,
  // After a run (runId given): put back what its restore plan lists. `cleanup`: every plan left, and servers named like a run's.
  async sweep(cfg, run, runId, dryRun) {
    if (runId === undefined) return sweepNova(cfg, run, dryRun);
    return { found: [], failed: await undoNovaRun(cfg, run, runId) };
  },
} satisfies TargetModule<NovaTargetConfig, NovaFacts, ServerCase>;
