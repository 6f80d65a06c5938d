import { type FaultProxy, type FaultProxyOptions, startFaultProxy } from '../../backends/fault-proxy/index.ts';
import { type K8sReference, startK8sReference } from '../../backends/k8s-reference/index.ts';
import { type NovaReference, startNovaReference } from '../../backends/nova-reference/index.ts';
import { novaState } from './run-cli.ts';

/** Both reference backends, each behind its own fault proxy, and the Nova servers' state before any run. */
export interface Proxied {
  k8s: K8sReference;
  nova: NovaReference;
  k8sProxy: FaultProxy;
  novaProxy: FaultProxy;
  novaBefore: Awaited<ReturnType<typeof novaState>>;
  close(): Promise<void>;
}

export async function startProxied(k8sToken: string, bounds: Partial<FaultProxyOptions>): Promise<Proxied> {
  const k8s = await startK8sReference({ token: k8sToken });
  const nova = await startNovaReference({});
  const k8sProxy = await startFaultProxy({ upstream: k8s.url, ...bounds });
  const novaProxy = await startFaultProxy({ upstream: new URL(nova.url).origin, ...bounds });
  return {
    k8s,
    nova,
    k8sProxy,
    novaProxy,
    novaBefore: await novaState(nova),
    async close() {
      await k8sProxy.close();
      await novaProxy.close();
      await k8s.close();
      await nova.close();
    },
  };
}
