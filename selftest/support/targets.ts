/**
 * Opens the suites' targets in-process against the reference backends, through the ordinary configuration
 * contract (an env record → loadConfig), so self-tests exercise exactly what a real run does.
 */
import { startK8sReference } from '../../backends/k8s-reference/index.ts';
import { passwordAuthEnv, startNovaReference } from '../../backends/nova-reference/index.ts';
import { loadCaseFile } from '../../engine/cases/load.ts';
import type { CaseVariant } from '../../engine/cases/types.ts';
import { loadConfig } from '../../engine/config/index.ts';
import type { TargetAdapter } from '../../engine/run-case.ts';
import { SchemaRegistry } from '../../engine/schemas.ts';
import { addK8sSchemas, type PodCase, podsPatchAdapter, podVariants } from '../../engine/targets/k8s/pods-patch.ts';
import { openK8sSession } from '../../engine/targets/k8s/session.ts';
import { addNovaSchemas, type ServerCase, serversUpdateAdapter, serverVariants } from '../../engine/targets/nova/servers-update.ts';
import { openNovaSession } from '../../engine/targets/nova/session.ts';

export interface OpenTarget {
  suite: string;
  variants: CaseVariant[];
  adapter: TargetAdapter;
  schemas: SchemaRegistry;
  faults: readonly { name: string; family: string; description: string }[];
  setFaults(f: string[]): void;
  close(): Promise<void>;
}

const runEnv = (extra: Record<string, string>) => ({
  CONFORMANCE_RUN_ID: `st${Math.random().toString(36).slice(2, 8)}`,
  CONFORMANCE_REPORT_DIR: 'reports/selftest',
  ...extra,
});

export async function openK8sReferenceTarget(): Promise<OpenTarget> {
  const { K8S_FAULTS } = await import('../../backends/k8s-reference/index.ts');
  const backend = await startK8sReference({ token: 'selftest-k8s-token' });
  const config = loadConfig(runEnv({ K8S_SERVER: backend.url, K8S_TOKEN: 'selftest-k8s-token' }));
  const session = await openK8sSession(config);
  const schemas = new SchemaRegistry();
  addK8sSchemas(schemas);
  return {
    suite: 'k8s.pods.patch',
    variants: podVariants(loadCaseFile<PodCase>('k8s/pods-patch.cases.yaml', 'k8s/case.schema.json').cases) as CaseVariant[],
    adapter: podsPatchAdapter(session) as unknown as TargetAdapter,
    schemas,
    faults: K8S_FAULTS,
    setFaults: (f) => backend.setFaults(f as never),
    async close() {
      await session.close();
      await backend.close();
    },
  };
}

export async function openNovaReferenceTarget(): Promise<OpenTarget> {
  const { NOVA_FAULTS } = await import('../../backends/nova-reference/index.ts');
  const backend = await startNovaReference({});
  const config = loadConfig(runEnv(passwordAuthEnv(backend)));
  const session = await openNovaSession(config);
  const schemas = new SchemaRegistry();
  const table = addNovaSchemas(schemas);
  return {
    suite: 'nova.servers.update',
    variants: serverVariants(loadCaseFile<ServerCase>('nova/servers-update.cases.yaml', 'nova/case.schema.json').cases, session.range) as CaseVariant[],
    adapter: serversUpdateAdapter(session, table) as unknown as TargetAdapter,
    schemas,
    faults: NOVA_FAULTS,
    setFaults: (f) => backend.setFaults(f as never),
    async close() {
      await session.close();
      await backend.close();
    },
  };
}
