/**
 * Kubernetes before any update: reachable, a Kubernetes API server, credentials accepted, the namespace
 * there; and `doctor`'s permission probe (a pod created, patched and deleted).
 */
import type { RunConfig } from '../../config/run.ts';
import { ConfigError, describeError } from '../../errors.ts';
import type { Exchange } from '../../http/exchange.ts';
import { errorMessageOf, notTheApi, unreachable } from '../../http/unreachable.ts';
import type { Obj } from '../../json.ts';
import { RUN_LABEL, runPrefix } from '../../lifecycle/labels.ts';
import type { Checklist } from '../target.ts';
import { K8sClient } from './client.ts';
import type { K8sTargetConfig } from './config.ts';
import { loadPodTemplate } from './pods-patch.ts';
import { runNamespace } from './session.ts';

export interface K8sFacts {
  /** "major.minor", e.g. "1.34". */
  serverVersion: string;
  gitVersion: string;
  /** The credentials may use pods only in K8S_NAMESPACE (a namespaced Role, e.g. in-cluster); undefined = not known. */
  namespacedOnly?: boolean;
}

export async function preflightK8s(k8s: K8sTargetConfig, run: RunConfig): Promise<string> {
  const client = new K8sClient(k8s, run.timeoutMs);
  const credential = k8s.token ? 'K8S_TOKEN' : 'K8S_CLIENT_CERT';
  try {
    let ex: Exchange;
    try {
      ex = await client.send('GET', '/version');
    } catch (err) {
      throw unreachable('K8S_SERVER', 'K8S_CA_FILE', k8s.server, err);
    }
    const body = ex.response.json as Obj | undefined;
    // Only a Kubernetes Status body says "your token was rejected"; any other 401 comes from another API.
    if (ex.response.status === 401 && body?.kind === 'Status') {
      throw new ConfigError(credential, `was rejected by ${k8s.server} (401 Unauthorized)`, 'use valid credentials for this cluster');
    }
    if (ex.response.status !== 200 || typeof body?.gitVersion !== 'string') throw notTheApi('K8S_SERVER', k8s.server, ex, 'a Kubernetes API server');
    // A JSON /version is easy to serve: the namespace and pods resources must answer as Kubernetes too, before any
    // variant runs (a file server would otherwise fail every variant the same way).
    const namespace = k8s.namespace ?? runNamespace(run.runId);
    const nsPath = `/api/v1/namespaces/${namespace}`;
    const ns = await client.send('GET', nsPath);
    const nsBody = ns.response.json as Obj | undefined;
    if (k8s.namespace && ns.response.status === 404 && !ns.response.jsonError) {
      throw new ConfigError('K8S_NAMESPACE', `namespace "${k8s.namespace}" does not exist`, 'create it or unset K8S_NAMESPACE');
    }
    // The run's own namespace does not exist yet: a JSON error (a Status; 403 for a namespaced identity). Its body's
    // shape is for the cases to judge (an API whose errors are no Status is non-conformant, not another API).
    const nsOk = ns.response.status === 200 ? nsBody?.kind === 'Namespace' : nsBody !== undefined && typeof nsBody === 'object';
    if (!nsOk || ns.response.jsonError) {
      throw notTheApi('K8S_SERVER', k8s.server, ns, 'a Kubernetes API server', `GET ${nsPath}`, kubernetesObjectProblem(ns, 'Namespace'));
    }
    const podsPath = `/api/v1/namespaces/${k8s.namespace ?? 'default'}/pods`;
    const probe = await client.send('GET', podsPath, { query: { limit: '1' } });
    const probeBody = probe.response.json as Obj | undefined;
    if (probe.response.status === 401 && !probe.response.jsonError)
      throw new ConfigError(credential, `was rejected by ${k8s.server} (401 Unauthorized)`, 'use valid credentials for this cluster');
    if (probe.response.status === 403 && !probe.response.jsonError) {
      throw new ConfigError(
        credential,
        'may not list pods (403 Forbidden)',
        'grant create/get/patch/delete on pods (and namespaces unless K8S_NAMESPACE is set)',
      );
    }
    if (probe.response.status !== 200 || probeBody?.kind !== 'PodList' || !Array.isArray(probeBody.items)) {
      throw notTheApi('K8S_SERVER', k8s.server, probe, 'a Kubernetes API server', `GET ${podsPath}`, kubernetesObjectProblem(probe, 'PodList'));
    }
    return `Kubernetes ${body.gitVersion} at ${k8s.server}`;
  } finally {
    await client.close();
  }
}

/** What an answer that should have been a Kubernetes object of `kind` was instead, for the error line. */
function kubernetesObjectProblem(ex: Exchange, kind: string): string | undefined {
  if (ex.response.jsonError) return undefined;
  const got = (ex.response.json as Obj | undefined)?.kind;
  return `${typeof got === 'string' ? `a ${got}` : 'JSON without a kind'} where a Kubernetes ${kind} was due`;
}

/** The server's version (GET /version). */
export async function discoverK8s(k8s: K8sTargetConfig, run: RunConfig): Promise<K8sFacts> {
  const client = new K8sClient(k8s, run.timeoutMs);
  try {
    const v = await client.version();
    const facts: K8sFacts = { serverVersion: `${v.major}.${v.minor}`, gitVersion: v.gitVersion };
    if (k8s.namespace) {
      // Any namespace but ours: a namespaced Role grants nothing there.
      const elsewhere = await missingPermissions(client, `${runPrefix(run.runId)}elsewhere`).catch(() => undefined);
      if (elsewhere) facts.namespacedOnly = elsewhere.includes(`patch pods in ${runPrefix(run.runId)}elsewhere`);
    }
    return facts;
  } finally {
    await client.close();
  }
}

export async function doctorK8s(k8s: K8sTargetConfig, run: RunConfig, list: Checklist): Promise<K8sFacts | undefined> {
  try {
    list.ok('k8s reachable and authenticated', `${await preflightK8s(k8s, run)} (${k8s.origin}, ${k8s.token ? 'bearer token' : 'client certificate'})`);
  } catch (err) {
    list.fail('k8s reachable and authenticated', describeError(err));
    list.blocked('k8s version', 'the server was not reachable with these credentials');
    list.blocked('k8s permissions', 'the server was not reachable with these credentials');
    return undefined;
  }
  let facts: K8sFacts | undefined;
  try {
    facts = await discoverK8s(k8s, run);
    list.ok('k8s version', `${facts.gitVersion || facts.serverVersion} (minor ${facts.serverVersion})`);
  } catch (err) {
    list.fail('k8s version', describeError(err));
  }
  const client = new K8sClient(k8s, run.timeoutMs);
  try {
    // Name what is missing before probing: a probe only shows the first refusal.
    const missing = await missingPermissions(client, k8s.namespace).catch(() => undefined);
    if (missing?.length) {
      const role = k8s.namespace ? `a Role in ${k8s.namespace} with pods: ${POD_VERBS.join(', ')}` : 'pods and namespaces (or set K8S_NAMESPACE)';
      list.fail('k8s permissions', `missing: ${missing.join('; ')} — grant ${role}`);
    } else await checkPermissions(k8s, run, client, list);
  } finally {
    await client.close();
  }
  return facts;
}

/** What a run does with pods: the verbs the namespaced Role must grant (deploy/sonobuoy/job.yaml). */
export const POD_VERBS = ['create', 'get', 'list', 'patch', 'delete'] as const;

/**
 * Asks the server which of the run's permissions this identity lacks (SelfSubjectAccessReview, which every
 * authenticated user may create): ["list pods in ns", …]. Undefined when the server does not answer reviews.
 */
export async function missingPermissions(client: K8sClient, namespace: string | undefined): Promise<string[] | undefined> {
  const wanted: { verb: string; resource: string; namespace?: string }[] = POD_VERBS.map((verb) => ({ verb, resource: 'pods', namespace }));
  if (!namespace) wanted.push({ verb: 'create', resource: 'namespaces' }, { verb: 'delete', resource: 'namespaces' });
  const missing: string[] = [];
  for (const w of wanted) {
    const body = JSON.stringify({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: w.verb, resource: w.resource, ...(w.namespace ? { namespace: w.namespace } : {}) } },
    });
    const ex = await client.send('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body, contentType: 'application/json' });
    const status = ((ex.response.json as Obj | undefined)?.status ?? undefined) as Obj | undefined;
    if (ex.response.status !== 201 || typeof status?.allowed !== 'boolean') return undefined;
    if (!status.allowed) missing.push(`${w.verb} ${w.resource}${w.namespace ? ` in ${w.namespace}` : ''}`);
  }
  return missing;
}

/** Creates, patches and deletes a probe pod `uc-<runId>-doctor` (in the run namespace, which it creates and deletes, unless K8S_NAMESPACE is set). */
async function checkPermissions(k8s: K8sTargetConfig, run: RunConfig, client: K8sClient, list: Checklist): Promise<void> {
  const runId = run.runId;
  const own = !k8s.namespace;
  const namespace = k8s.namespace ?? runNamespace(runId);
  const name = `${runPrefix(runId)}doctor`;
  const done: string[] = [];
  const problems: string[] = [];
  let createdNs = false;
  let createdPod = false;
  try {
    if (own) {
      const ex = await client.createNamespace(namespace, { [RUN_LABEL]: runId });
      if (ex.response.status !== 201) {
        problems.push(`creating namespace ${namespace} answered ${ex.response.status} ${errorMessageOf(ex.response.json)}`.trim());
        return;
      }
      createdNs = true;
      done.push(`created namespace ${namespace}`);
    }
    const template = loadPodTemplate();
    const meta = (template.metadata ?? {}) as Obj;
    const pod = {
      ...template,
      metadata: {
        ...meta,
        name,
        namespace,
        labels: { ...((meta.labels as Obj) ?? {}), [RUN_LABEL]: runId },
        annotations: { 'update-conformance/case': 'doctor' },
      },
    };
    const created = await client.createPod(namespace, pod);
    if (created.response.status !== 201 && created.response.status !== 200) {
      problems.push(`creating pod ${namespace}/${name} answered ${created.response.status} ${errorMessageOf(created.response.json)}`.trim());
      return;
    }
    createdPod = true;
    done.push(`created pod ${name}`);
    const patched = await client.send('PATCH', client.podPath(namespace, name), { body: '{}', contentType: 'application/merge-patch+json' });
    if (patched.response.status !== 200)
      problems.push(`patching pod ${name} answered ${patched.response.status} ${errorMessageOf(patched.response.json)}`.trim());
    else done.push('patched it');
  } catch (err) {
    problems.push(describeError(err));
  } finally {
    try {
      if (createdPod) {
        const ex = await client.deletePod(namespace, name);
        if (ex.response.status === 200 || ex.response.status === 202) done.push('deleted it');
        else problems.push(`deleting pod ${name} answered ${ex.response.status}: run \`update-conformance cleanup\` with CONFORMANCE_RUN_ID=${runId}`);
      }
      if (createdNs) {
        const ex = await client.deleteNamespace(namespace);
        if (ex.response.status === 200 || ex.response.status === 202) done.push(`deleted namespace ${namespace}`);
        else
          problems.push(`deleting namespace ${namespace} answered ${ex.response.status}: run \`update-conformance cleanup\` with CONFORMANCE_RUN_ID=${runId}`);
      }
    } catch (err) {
      problems.push(`cleaning up the probe failed (${describeError(err)}): run \`update-conformance cleanup\` with CONFORMANCE_RUN_ID=${runId}`);
    }
    const where = own ? 'create namespaces; create, patch and delete pods' : `create, patch and delete pods in ${namespace}`;
    if (problems.length) list.fail('k8s permissions', `${problems.join('; ')}${done.length ? ` (did: ${done.join(', ')})` : ''} — grant ${where}`);
    else list.ok('k8s permissions', `may ${where} (${done.join(', ')})`);
  }
}
