/**
 * PATCH /api/v1/namespaces/{namespace}/pods/{name} — document shared/seeds/000_8121ab430c0c604e.txt.
 * Every case (fixtures/k8s/pods-patch.cases.yaml) runs once per patch type it gives, on a pod of its own.
 */
import { loadCaseFile } from '../../engine/cases/load.ts';
import { SchemaRegistry } from '../../engine/schemas.ts';
import { defineConformanceSuite } from '../../engine/suite.ts';
import { addK8sSchemas, type PodCase, podsPatchAdapter, podVariants } from '../../engine/targets/k8s/pods-patch.ts';
import { openK8sSession } from '../../engine/targets/k8s/session.ts';

const schemas = new SchemaRegistry();
addK8sSchemas(schemas);

defineConformanceSuite<PodCase>({
  title: 'k8s.pods.patch',
  variants: podVariants(loadCaseFile<PodCase>('k8s/pods-patch.cases.yaml', 'k8s/case.schema.json').cases),
  schemas,
  async open(config) {
    const session = await openK8sSession(config);
    return {
      adapter: podsPatchAdapter(session),
      info: {
        suite: 'k8s.pods.patch',
        url: config.k8s?.server ?? '',
        version: session.gitVersion || session.serverVersion,
        details: { namespace: session.namespace, auth: config.k8s?.token ? 'bearer token' : 'client certificate', config: config.k8s?.origin ?? '' },
        insecure: config.k8s?.insecureSkipTlsVerify,
      },
      close: () => session.close(),
    };
  },
});
