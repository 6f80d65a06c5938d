/**
 * Embedded reference backend for the k8s suite: a small in-memory server that follows upstream
 * kube-apiserver semantics for `PATCH /api/v1/namespaces/{namespace}/pods/{name}` closely enough for
 * every case in fixtures/k8s/pods-patch.cases.yaml to pass, plus switchable faults (faults.ts).
 */
import { closeNow, listenLoopback } from '../shared/listen.ts';
import { K8S_FAULTS, type K8sFault, parseFaults } from './faults.ts';
import { PodStore } from './pod-store.ts';
import { createK8sServer } from './server.ts';

export type { K8sFault };
export { K8S_FAULTS, parseFaults };

export interface K8sReferenceOptions {
  port?: number;
  token?: string;
  faults?: K8sFault[];
  minorVersion?: number;
}

export interface K8sReference {
  url: string;
  token?: string;
  setFaults(f: K8sFault[]): void;
  podCount(): number;
  close(): Promise<void>;
}

export async function startK8sReference(opts: K8sReferenceOptions = {}): Promise<K8sReference> {
  const store = new PodStore();
  const state = {
    store,
    faults: new Set<K8sFault>(opts.faults ?? []),
    minor: opts.minorVersion ?? 34,
    ...(opts.token !== undefined ? { token: opts.token } : {}),
  };
  const server = createK8sServer(state);
  const port = await listenLoopback(server, opts.port ?? 0);
  const ref: K8sReference = {
    url: `http://127.0.0.1:${port}`,
    setFaults(f: K8sFault[]) {
      state.faults = new Set(f);
    },
    podCount: () => store.podCount(),
    close: () => closeNow(server),
  };
  if (opts.token !== undefined) ref.token = opts.token;
  return ref;
}
