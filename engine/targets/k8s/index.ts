/**
 * Kubernetes Pod PATCH (`PATCH /api/v1/namespaces/{namespace}/pods/{name}`): every case runs once per patch
 * type it gives, on a pod of its own, in a namespace of the run's (or K8S_NAMESPACE).
 */
import type { CaseVariant } from '../../cases/types.ts';
import { SchemaRegistry } from '../../schemas.ts';
import type { TargetModule } from '../target.ts';
import { type K8sTargetConfig, loadK8sConfig } from './config.ts';
import { k8sGeneration } from './generate.ts';
import { addK8sSchemas, type PodCase, podSkipReason, podsPatchAdapter, podVariants } from './pods-patch.ts';
import { discoverK8s, doctorK8s, type K8sFacts, preflightK8s } from './preflight.ts';
import { openK8sSession } from './session.ts';
import { sweepK8s } from './sweep.ts';

export const k8sTarget = {
  name: 'k8s' as const,
  suite: 'k8s.pods.patch',
  title: 'Kubernetes Pod PATCH',
  apiName: 'Kubernetes',
  caseFile: 'k8s/pods-patch.cases.yaml',
  caseSchema: 'k8s/case.schema.json',
  variantAxis: 'patch type',
  generation: k8sGeneration,
  sweepWords: { dryRun: 'would delete', done: 'deleted', failed: 'could not delete' },
  variables: [
    'KUBECONFIG',
    'K8S_SERVER',
    'K8S_TOKEN',
    'K8S_CLIENT_CERT',
    'K8S_CLIENT_KEY',
    'K8S_CA_FILE',
    'K8S_INSECURE_SKIP_TLS_VERIFY',
    'K8S_NAMESPACE',
    'K8S_CONTEXT',
    // In a pod (engine/targets/k8s/config.ts fromServiceAccount).
    'KUBERNETES_SERVICE_HOST',
    'KUBERNETES_SERVICE_PORT',
    'K8S_SERVICEACCOUNT_DIR',
  ],

  loadConfig: loadK8sConfig,
  origin: (cfg) => cfg.origin,
  describeConfig: (k8s) => ({
    server: k8s.server,
    from: k8s.origin,
    auth: k8s.token ? 'bearer token' : 'client certificate',
    ca: k8s.ca ? 'given' : 'system store',
    insecureSkipTlsVerify: k8s.insecureSkipTlsVerify,
    namespace: k8s.namespace ?? 'created by the run',
  }),
  insecureWarning: (cfg) => (cfg.insecureSkipTlsVerify ? 'K8S_INSECURE_SKIP_TLS_VERIFY is on: the server certificate is NOT verified' : undefined),

  variants: (cases) => podVariants(cases),
  listVariants: (c) => Object.keys(c.request.patch ?? {}),
  upstreamVersion: (facts) => facts.serverVersion,
  skipReason: (v, facts) => podSkipReason(v, facts),
  describeVariants(variants: CaseVariant<PodCase>[]) {
    const types = [...new Set(variants.map((v) => v.variant).filter(Boolean))];
    return ` (patch types ${types.join(', ')})`;
  },

  preflight: preflightK8s,
  discover: discoverK8s,
  async open(cfg, run, facts) {
    const schemas = new SchemaRegistry();
    addK8sSchemas(schemas);
    const session = await openK8sSession(cfg, run, facts);
    return {
      adapter: podsPatchAdapter(session),
      schemas,
      info: {
        suite: 'k8s.pods.patch',
        url: cfg.server,
        version: session.gitVersion || session.serverVersion,
        details: { namespace: session.namespace, auth: cfg.token ? 'bearer token' : 'client certificate', config: cfg.origin },
        insecure: cfg.insecureSkipTlsVerify,
      },
      close: () => session.close(),
    };
  },
  doctor: doctorK8s,
  sweep: (cfg, run, runId, dryRun) => sweepK8s(cfg, run.timeoutMs, runId, dryRun),
} satisfies TargetModule<K8sTargetConfig, K8sFacts, PodCase>;
