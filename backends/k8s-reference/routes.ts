/**
 * URL routing: discovery, health, version, namespaces and pods. Unknown paths under /api answer a
 * NotFound Status; other unknown paths answer `404 page not found` as text (like the apiserver's mux);
 * known paths with a method they do not serve answer 405.
 */

import { isObject } from './patch.ts';
import type { Obj } from './pod-store.ts';
import { createPod, deletePod, deletePodCollection, type Env, getPod, listPods, mediaType, parseSelector, patchPod, type Reply, replacePod } from './pods.ts';
import { alreadyExists, badRequest, fe, invalid, methodNotAllowed, notFound, routeNotFound, unsupportedMediaType } from './status.ts';
import { dns1123Label, validateAnnotations, validateLabels } from './validation.ts';

export interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string;
  body: Buffer;
  port: number;
}

export type RouteReply = Reply | { status: number; text: string };

const RESOURCES = [
  { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['create', 'delete', 'get', 'list'], shortNames: ['ns'] },
  {
    name: 'pods',
    singularName: 'pod',
    namespaced: true,
    kind: 'Pod',
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update'],
    shortNames: ['po'],
    categories: ['all'],
  },
];

function allow(methods: string[], method: string): void {
  if (!methods.includes(method)) throw methodNotAllowed();
}

function namespaceCreate(env: Env, req: Request): Reply {
  const mt = mediaType(req.contentType);
  if (!['application/json', ''].includes(mt)) throw unsupportedMediaType();
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding body: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(body)) throw badRequest('Namespace in version "v1" cannot be handled as a Namespace: body is not an object');
  const m = isObject(body.metadata) ? (body.metadata as Obj) : {};
  let name = typeof m.name === 'string' ? m.name : '';
  if (!name && typeof m.generateName === 'string' && m.generateName) {
    name = `${m.generateName}${Math.random().toString(36).slice(2, 7)}`;
  }
  const labels = isObject(m.labels) ? (m.labels as Record<string, string>) : {};
  const annotations = isObject(m.annotations) ? (m.annotations as Record<string, string>) : {};
  const errs = [
    ...(name ? dns1123Label(name).map((d) => fe.invalid('metadata.name', name, d)) : [fe.required('metadata.name', 'name or generateName is required')]),
    ...validateLabels(labels, 'metadata.labels'),
    ...validateAnnotations(annotations, 'metadata.annotations'),
  ];
  if (errs.length > 0) throw invalid('Namespace', 'Namespace', name, errs);
  if (env.store.hasNamespace(name)) throw alreadyExists('namespaces', name);
  if (req.query.getAll('dryRun').includes('All')) return { status: 201, body: { kind: 'Namespace', apiVersion: 'v1', metadata: { name } } };
  return { status: 201, body: env.store.createNamespace(name, labels, annotations) };
}

export function route(env: Env, req: Request): RouteReply {
  const { method, path } = req;
  let segs: string[];
  try {
    segs = path
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  } catch {
    // Go's net/http refuses a request target with an invalid escape (%zz) before any handler: plain 400.
    return { status: 400, text: '400 Bad Request' };
  }
  const p = `/${segs.join('/')}`;
  if (p === '/healthz' || p === '/livez' || p === '/readyz') {
    allow(['GET', 'HEAD'], method);
    return { status: 200, text: 'ok' };
  }
  if (p === '/version') {
    allow(['GET'], method);
    return {
      status: 200,
      body: {
        major: '1',
        minor: String(env.minor),
        emulationMajor: '1',
        emulationMinor: String(env.minor),
        gitVersion: `v1.${env.minor}.0-reference`,
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2025-01-01T00:00:00Z',
        goVersion: 'n/a (update-conformance reference backend, TypeScript)',
        compiler: 'tsx',
        platform: `${process.platform}/${process.arch}`,
      },
    };
  }
  if (p === '/api') {
    allow(['GET'], method);
    return {
      status: 200,
      body: {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${req.port}` }],
      },
    };
  }
  if (p === '/apis') {
    allow(['GET'], method);
    return { status: 200, body: { kind: 'APIGroupList', apiVersion: 'v1', groups: [] } };
  }
  if (p === '/api/v1') {
    allow(['GET'], method);
    return { status: 200, body: { kind: 'APIResourceList', groupVersion: 'v1', resources: RESOURCES } };
  }
  if (segs[0] !== 'api') return { status: 404, text: '404 page not found\n' };
  if (segs[1] !== 'v1') throw routeNotFound();
  const rest = segs.slice(2);
  // /api/v1/pods (all namespaces)
  if (rest.length === 1 && rest[0] === 'pods') {
    allow(['GET'], method);
    return listPods(env, undefined, req.query);
  }
  if (rest[0] !== 'namespaces') throw routeNotFound();
  if (rest.length === 1) {
    allow(['GET', 'POST'], method);
    if (method === 'POST') return namespaceCreate(env, req);
    // labelSelector as for pods: a sweep relies on it to find only its own run's namespaces.
    const match = parseSelector(req.query.get('labelSelector'));
    const items = [...env.store.namespaces.values()]
      .filter((n) => match(((n.metadata as Obj)?.labels ?? {}) as Record<string, string>))
      .map((n) => {
        const { kind: _k, apiVersion: _a, ...r } = n;
        return r;
      });
    return { status: 200, body: { kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: env.store.currentRV() }, items } };
  }
  const ns = rest[1] ?? '';
  if (rest.length === 2) {
    allow(['GET', 'DELETE'], method);
    if (method === 'GET') {
      const n = env.store.namespaces.get(ns);
      if (!n) throw notFound('namespaces', ns);
      return { status: 200, body: n };
    }
    const deleted = env.store.deleteNamespace(ns);
    if (!deleted) throw notFound('namespaces', ns);
    return { status: 200, body: deleted };
  }
  if (rest[2] !== 'pods') throw routeNotFound();
  if (rest.length === 3) {
    allow(['GET', 'POST', 'DELETE'], method);
    if (method === 'POST') return createPod(env, ns, req.contentType, req.body, req.query);
    if (method === 'DELETE') return deletePodCollection(env, ns, req.query);
    return listPods(env, ns, req.query);
  }
  const name = rest[3] ?? '';
  if (rest.length === 4) {
    allow(['GET', 'PUT', 'PATCH', 'DELETE'], method);
    if (method === 'GET') return getPod(env, ns, name);
    if (method === 'DELETE') return deletePod(env, ns, name, req.query);
    if (method === 'PUT') return replacePod(env, ns, name, req.contentType, req.body, req.query);
    return patchPod(env, ns, name, req.contentType, req.body, req.query);
  }
  throw routeNotFound();
}
