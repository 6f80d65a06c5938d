/**
 * `update-conformance doctor`: everything a run needs, checked without running a case — configuration,
 * reachability and credentials (cli/preflight.ts), versions and microversions, the permissions the cases need
 * (Kubernetes: create, patch and delete a pod labelled with the run; Nova: a no-op update of a server), and
 * what a run would do (suites, case and variant counts, microversion boundaries, skipped cases and why).
 * One line per check (✓ / ✗), then a verdict; exit 0 when every check passed, 2 otherwise. Changes nothing
 * it does not undo: the probe pod (and the run namespace, when the run would create one) is deleted again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { casesOf } from '../engine/cases/catalog.ts';
import { FIXTURES_DIR } from '../engine/cases/load.ts';
import { isSelected } from '../engine/cases/select.ts';
import { describeShard, inShard, parseShard, type Shard } from '../engine/cases/shard.ts';
import type { CaseVariant, ConformanceCase } from '../engine/cases/types.ts';
import { type Config, loadConfig, loadEnv, type SuiteName } from '../engine/config/index.ts';
import { describeError } from '../engine/errors.ts';
import { HttpClient } from '../engine/http/client.ts';
import { RUN_LABEL, runPrefix } from '../engine/lifecycle/labels.ts';
import { K8sClient } from '../engine/targets/k8s/client.ts';
import { type PodCase, podVariants } from '../engine/targets/k8s/pods-patch.ts';
import { runNamespace } from '../engine/targets/k8s/session.ts';
import { NovaClient } from '../engine/targets/nova/client.ts';
import { AuthSession } from '../engine/targets/nova/keystone.ts';
import { BOUNDARIES, type MicroversionRange } from '../engine/targets/nova/microversions.ts';
import { type ServerCase, serverVariants } from '../engine/targets/nova/servers-update.ts';
import { compareVersions, describeRange, inRange } from '../engine/versions.ts';
import { startEmbedded } from './embedded.ts';
import { EXIT } from './exit-codes.ts';
import { preflightK8s, preflightNova } from './preflight.ts';
import { chooseSuites } from './run.ts';

type Obj = Record<string, unknown>;

const SUITE_TITLE: Record<SuiteName, string> = { k8s: 'k8s.pods.patch', nova: 'nova.servers.update' };

/** The checks so far and how to print them. */
class Checklist {
  passed = 0;
  failed = 0;
  constructor(private readonly out: (line: string) => void) {}
  ok(label: string, detail: string): void {
    this.passed++;
    this.out(`✓ ${label}: ${detail}`);
  }
  fail(label: string, detail: string): void {
    this.failed++;
    this.out(`✗ ${label}: ${detail}`);
  }
  /** A check that could not run because an earlier one failed. */
  blocked(label: string, because: string): void {
    this.out(`– ${label}: not checked (${because})`);
  }
  note(line: string): void {
    this.out(line);
  }
}

/** What a Kubernetes target tells the plan: its minor version. */
interface K8sFacts {
  serverVersion?: string;
}

/** What a compute target tells the plan: the microversion range and whether the cross-project cases can run. */
interface NovaFacts {
  range?: MicroversionRange;
  targetMax?: string;
  crossProject?: string;
}

async function checkK8s(config: Config, list: Checklist): Promise<K8sFacts> {
  const k8s = config.k8s;
  if (!k8s) return {};
  try {
    list.ok('k8s reachable and authenticated', `${await preflightK8s(config)} (${k8s.origin}, ${k8s.token ? 'bearer token' : 'client certificate'})`);
  } catch (err) {
    list.fail('k8s reachable and authenticated', describeError(err));
    list.blocked('k8s version', 'the server was not reachable with these credentials');
    list.blocked('k8s permissions', 'the server was not reachable with these credentials');
    return {};
  }
  const client = new K8sClient(k8s, config.run.timeoutMs);
  const facts: K8sFacts = {};
  try {
    try {
      const v = await client.version();
      facts.serverVersion = `${v.major}.${v.minor}`;
      const versioned = casesOf('k8s').filter((c) => c.versions && !inRange(facts.serverVersion ?? '', c.versions)).length;
      list.ok(
        'k8s version',
        `${v.gitVersion || facts.serverVersion} (minor ${facts.serverVersion})${versioned ? `; ${versioned} case(s) written for other versions will be skipped` : ''}`,
      );
    } catch (err) {
      list.fail('k8s version', describeError(err));
    }
    await checkK8sPermissions(config, client, list);
  } finally {
    await client.close();
  }
  return facts;
}

/** Creates, patches and deletes a probe pod `uc-<runId>-doctor` (in the run namespace, which it creates and deletes, unless K8S_NAMESPACE is set). */
async function checkK8sPermissions(config: Config, client: K8sClient, list: Checklist): Promise<void> {
  const runId = config.run.runId;
  const own = !config.k8s?.namespace;
  const namespace = config.k8s?.namespace ?? runNamespace(runId);
  const name = `${runPrefix(runId)}doctor`;
  const done: string[] = [];
  const problems: string[] = [];
  let createdNs = false;
  let createdPod = false;
  try {
    if (own) {
      const ex = await client.createNamespace(namespace, { [RUN_LABEL]: runId });
      if (ex.response.status !== 201) {
        problems.push(`creating namespace ${namespace} answered ${ex.response.status} ${statusMessage(ex.response.json)}`.trim());
        return;
      }
      createdNs = true;
      done.push(`created namespace ${namespace}`);
    }
    const template = parseYaml(readFileSync(join(FIXTURES_DIR, 'k8s', 'pod-template.yaml'), 'utf8')) as Obj;
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
      problems.push(`creating pod ${namespace}/${name} answered ${created.response.status} ${statusMessage(created.response.json)}`.trim());
      return;
    }
    createdPod = true;
    done.push(`created pod ${name}`);
    const patched = await client.send('PATCH', client.podPath(namespace, name), { body: '{}', contentType: 'application/merge-patch+json' });
    if (patched.response.status !== 200)
      problems.push(`patching pod ${name} answered ${patched.response.status} ${statusMessage(patched.response.json)}`.trim());
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

function statusMessage(body: unknown): string {
  const b = body as Obj | undefined;
  if (typeof b?.message === 'string') return `(${b.message})`;
  const inner = b && typeof b === 'object' ? (Object.values(b)[0] as Obj | undefined) : undefined;
  return typeof inner?.message === 'string' ? `(${inner.message})` : '';
}

async function checkNova(config: Config, list: Checklist): Promise<NovaFacts> {
  const nova = config.nova;
  if (!nova) return {};
  try {
    list.ok('nova reachable and authenticated', `${await preflightNova(config)} (${nova.origin}, auth ${nova.credentials.authType})`);
  } catch (err) {
    list.fail('nova reachable and authenticated', describeError(err));
    for (const c of ['nova microversions', 'nova servers', 'nova permissions'])
      list.blocked(c, 'the compute endpoint was not reachable with these credentials');
    return {};
  }
  const http = new HttpClient({ timeoutMs: config.run.timeoutMs, ca: nova.ca, insecure: nova.insecure });
  const facts: NovaFacts = {};
  try {
    const auth = new AuthSession(nova.credentials, http, { regionName: nova.regionName, interface: nova.interface });
    await auth.headers();
    const client = new NovaClient(http, auth, nova.endpointOverride ?? auth.computeEndpoint ?? '');
    const discovered = await client.versionRange();
    const cap = nova.apiVersionCap;
    const max = cap && compareVersions(cap, discovered.max) < 0 ? cap : discovered.max;
    facts.range = { min: discovered.min, max };
    facts.targetMax = discovered.max;
    if (cap && compareVersions(cap, discovered.min) < 0) {
      list.fail('nova microversions', `OS_COMPUTE_API_VERSION=${cap} is below the target's minimum ${discovered.min} — raise it or unset it`);
    } else {
      const points = [...new Set([...BOUNDARIES.filter((b) => compareVersions(b, facts.range?.min ?? '2.1') >= 0 && compareVersions(b, max) <= 0), max])];
      list.ok(
        'nova microversions',
        `target ${discovered.min}–${discovered.max}${max !== discovered.max ? `, capped at ${max} by OS_COMPUTE_API_VERSION` : ''}; cases run at ${points.join(', ')} (within each case's range)`,
      );
    }
    await checkNovaServers(config, client, list);
    facts.crossProject = await checkAltProject(config, http, list);
  } catch (err) {
    list.fail('nova', describeError(err));
  } finally {
    await http.close();
  }
  return facts;
}

async function checkNovaServers(config: Config, client: NovaClient, list: Checklist): Promise<void> {
  const nova = config.nova;
  if (!nova) return;
  if (nova.create) {
    const flavor = await client.send({ method: 'GET', path: `/flavors/${encodeURIComponent(nova.create.flavorRef)}`, microversion: '2.1' });
    const image = await client.send({ method: 'GET', path: `/images/${encodeURIComponent(nova.create.imageRef)}`, microversion: '2.1' });
    const problems: string[] = [];
    if (flavor.response.status !== 200) problems.push(`flavor ${nova.create.flavorRef} answered ${flavor.response.status} (NOVA_FLAVOR_REF)`);
    if (image.response.status !== 200) problems.push(`image ${nova.create.imageRef} answered ${image.response.status} (NOVA_IMAGE_REF)`);
    if (problems.length) list.fail('nova servers', `${problems.join('; ')} — give an existing flavor and image`);
    else
      list.ok(
        'nova servers',
        `the run will create its servers from flavor ${nova.create.flavorRef} and image ${nova.create.imageRef} (creation itself is not tried)`,
      );
    list.blocked('nova permissions', 'no existing server to update in creation mode');
    return;
  }
  const missing: string[] = [];
  for (const id of nova.serverIds) {
    const ex = await client.showServer(id, '2.1');
    if (ex.response.status !== 200) missing.push(`${id} (${ex.response.status})`);
  }
  if (missing.length) {
    list.fail('nova servers', `not found in the configured project: ${missing.join(', ')} — fix NOVA_SERVER_IDS`);
    list.blocked('nova permissions', 'a server of NOVA_SERVER_IDS is missing');
    return;
  }
  list.ok('nova servers', `${nova.serverIds.length} server(s) of NOVA_SERVER_IDS found (their editable fields are restored after a run)`);
  const first = nova.serverIds[0] ?? '';
  const put = await client.updateServer(first, {}, '2.1');
  if (put.response.status === 200) list.ok('nova permissions', `may update servers (a no-op PUT {"server":{}} on ${first} at 2.1 answered 200)`);
  else {
    const why = statusMessage(put.response.json);
    list.fail(
      'nova permissions',
      `a no-op PUT {"server":{}} on ${first} at 2.1 answered ${put.response.status}${why ? ` ${why}` : ''} — the credentials need os_compute_api:servers:update`,
    );
  }
}

/** Checks the second project; returns why the cross-project cases will be skipped, if they will. */
async function checkAltProject(config: Config, http: HttpClient, list: Checklist): Promise<string | undefined> {
  const nova = config.nova;
  if (!nova) return undefined;
  if (!nova.alt) {
    const reason = 'no second project configured (OS_ALT_USERNAME/OS_ALT_PASSWORD/OS_ALT_PROJECT_NAME, OS_ALT_TOKEN or OS_ALT_CLOUD)';
    list.note(`– nova second project: ${reason}: the cross-project cases will be skipped`);
    return reason;
  }
  try {
    const auth = new AuthSession(nova.alt, http, { regionName: nova.regionName, interface: nova.interface }, 'OS_ALT');
    await auth.headers();
    const alt = new NovaClient(http, auth, nova.endpointOverride ?? auth.computeEndpoint ?? '');
    let serverId = nova.altServerIds[0];
    if (!serverId) {
      const ex = await alt.send({ method: 'GET', path: '/servers', microversion: '2.1' });
      const servers = ((ex.response.json as Obj)?.servers ?? []) as Obj[];
      serverId = typeof servers[0]?.id === 'string' ? servers[0].id : undefined;
    }
    if (!serverId) {
      const reason = 'the second project has no server (set NOVA_ALT_SERVER_IDS)';
      list.fail('nova second project', `${reason}: the cross-project cases would be skipped`);
      return reason;
    }
    const ex = await alt.showServer(serverId, '2.1');
    if (ex.response.status !== 200) {
      list.fail('nova second project', `its server ${serverId} answered ${ex.response.status} — fix NOVA_ALT_SERVER_IDS`);
      return `server ${serverId} of the second project is not readable`;
    }
    list.ok('nova second project', `authenticated; server ${serverId} for the cross-project cases`);
    return undefined;
  } catch (err) {
    list.fail('nova second project', describeError(err));
    return 'the second project could not authenticate';
  }
}

/** What a run with this configuration would do. */
function printPlan(config: Config, suites: SuiteName[], shard: Shard | undefined, k8s: K8sFacts, nova: NovaFacts, list: Checklist): void {
  list.note(`plan (run id ${config.run.runId}, ${describeShard(shard)}, concurrency ${config.run.concurrency}, reports in ${config.run.reportDir}):`);
  const sel = config.run.selection;
  const filter = <C extends ConformanceCase>(variants: CaseVariant<C>[]) => variants.filter((v) => isSelected(sel, v.id, v.case) && inShard(v.id, shard));
  const skipped: string[] = [];
  const summarize = (suite: SuiteName, variants: CaseVariant[], detail: string, skipOf: (v: CaseVariant) => string | undefined) => {
    const cases = new Set(variants.map((v) => v.case.id));
    const skips = variants.map((v) => [v, skipOf(v)] as const).filter(([, why]) => why);
    list.note(`  ${SUITE_TITLE[suite]}: ${cases.size} case(s), ${variants.length} variant(s)${detail}; ${skips.length} will be skipped`);
    const byReason = new Map<string, string[]>();
    for (const [v, why] of skips) byReason.set(why ?? '', [...(byReason.get(why ?? '') ?? []), v.id]);
    for (const [why, ids] of byReason) skipped.push(`    ${ids.length} × ${why}: ${ids.slice(0, 4).join(', ')}${ids.length > 4 ? ', …' : ''}`);
  };
  if (suites.includes('k8s')) {
    const variants = filter(podVariants(casesOf('k8s') as PodCase[])) as CaseVariant[];
    const types = [...new Set(variants.map((v) => v.variant).filter(Boolean))];
    const version = k8s.serverVersion;
    summarize('k8s', variants, ` (patch types ${types.join(', ')})`, (v) =>
      version && v.case.versions && !inRange(version, v.case.versions) ? `written for Kubernetes ${describeRange(v.case.versions)}` : undefined,
    );
  }
  if (suites.includes('nova')) {
    if (!nova.range) list.note(`  ${SUITE_TITLE.nova}: variants unknown (the microversion range could not be read)`);
    else {
      const range = nova.range;
      const variants = filter(serverVariants(casesOf('nova') as ServerCase[], range)) as CaseVariant[];
      const mvs = [...new Set(variants.map((v) => v.variant).filter((x): x is string => Boolean(x) && x !== 'unsupported'))].sort(compareVersions);
      summarize('nova', variants, ` at microversions ${mvs.join(', ')}`, (v) => {
        if (v.variant === 'unsupported') return `outside the target's ${range.min}–${range.max}`;
        if ((v.case as ServerCase).requires?.includes('alt-credentials') && nova.crossProject) return `cross-project: ${nova.crossProject}`;
        return undefined;
      });
    }
  }
  if (skipped.length) list.note('  skipped cases:');
  for (const s of skipped) list.note(s);
}

export async function doctorCommand(out: (line: string) => void): Promise<number> {
  const list = new Checklist(out);
  out('update-conformance doctor');
  let config: Config;
  let suites: SuiteName[];
  let embedded: SuiteName[];
  let shard: Shard | undefined;
  try {
    const env = loadEnv();
    config = loadConfig(env);
    shard = parseShard(env.CONFORMANCE_SHARD);
    ({ suites, embedded } = chooseSuites(config));
  } catch (err) {
    list.fail('configuration', describeError(err));
    out('doctor: NOT ready — fix the configuration first (exit 2)');
    return EXIT.config;
  }
  const targets = [config.k8s ? `Kubernetes from ${config.k8s.origin}` : '', config.nova ? `compute from ${config.nova.origin}` : ''].filter(Boolean);
  list.ok('configuration', `${targets.join('; ') || 'no target configured'}; suites ${suites.join(', ')}; run id ${config.run.runId}`);
  const backends = embedded.length ? await startEmbedded(embedded) : undefined;
  try {
    if (backends) {
      config = loadConfig({ ...loadEnv(), ...backends.env, CONFORMANCE_RUN_ID: config.run.runId });
      list.note(`– no target configured for ${embedded.join(', ')}: checking the embedded reference backend(s) on 127.0.0.1 (what \`run\` would use)`);
    }
    const k8s = suites.includes('k8s') ? await checkK8s(config, list) : {};
    const nova = suites.includes('nova') ? await checkNova(config, list) : {};
    if (config.k8s?.insecureSkipTlsVerify) list.note('– WARNING: K8S_INSECURE_SKIP_TLS_VERIFY is on: the server certificate is NOT verified');
    if (config.nova?.insecure) list.note('– WARNING: OS_INSECURE is on: the server certificate is NOT verified');
    printPlan(config, suites, shard, k8s, nova, list);
  } finally {
    await backends?.close();
  }
  if (list.failed) {
    out(`doctor: NOT ready — ${list.failed} of ${list.passed + list.failed} checks failed (exit 2)`);
    return EXIT.config;
  }
  out(`doctor: ready — all ${list.passed} checks passed`);
  return EXIT.ok;
}
