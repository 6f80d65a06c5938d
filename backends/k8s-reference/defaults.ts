/**
 * Defaulting and the default-on admission mutations that touch pods (shared/reference/k8s-pod-patch.md §5, §7):
 * SetDefaults_Pod/PodSpec/Container (k8s.io/kubernetes pkg/apis/core/v1/defaults.go), DefaultTolerationSeconds
 * (plugin/pkg/admission/defaulttolerationseconds, runs on Create and Update) and Priority (sets priority /
 * preemptionPolicy on create, restores them on update).
 */

type Obj = Record<string, unknown>;

const asObj = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);

function imagePullPolicyFor(image: string): string {
  // :latest or no tag (and no digest) -> Always
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const tagPart = image.slice(lastSlash + 1);
  const colon = tagPart.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return tagPart.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Obj): void {
  if (c.terminationMessagePath === undefined) c.terminationMessagePath = '/dev/termination-log';
  if (c.terminationMessagePolicy === undefined) c.terminationMessagePolicy = 'File';
  if (c.imagePullPolicy === undefined && typeof c.image === 'string') c.imagePullPolicy = imagePullPolicyFor(c.image);
  if (c.resources === undefined) c.resources = {};
  for (const p of Array.isArray(c.ports) ? (c.ports as Obj[]) : []) {
    if (asObj(p) && p.protocol === undefined) p.protocol = 'TCP';
  }
}

/** Scheme defaulting, applied to created pods and to every decoded patch result. */
export function defaultPod(pod: Obj): void {
  const spec = asObj(pod.spec);
  if (!spec) return;
  if (spec.restartPolicy === undefined) spec.restartPolicy = 'Always';
  if (spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = 30;
  if (spec.dnsPolicy === undefined) spec.dnsPolicy = 'ClusterFirst';
  if (spec.securityContext === undefined) spec.securityContext = {};
  if (spec.schedulerName === undefined) spec.schedulerName = 'default-scheduler';
  if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
  for (const key of ['containers', 'initContainers'] as const) {
    const list = spec[key];
    if (Array.isArray(list)) for (const c of list) if (asObj(c)) defaultContainer(c as Obj);
  }
}

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

/** DefaultTolerationSeconds admission (Create and Update). */
export function admitDefaultTolerationSeconds(pod: Obj): void {
  const spec = asObj(pod.spec);
  if (!spec) return;
  const tolerations = Array.isArray(spec.tolerations) ? (spec.tolerations as Obj[]) : [];
  let notReady = false;
  let unreachable = false;
  for (const t of tolerations) {
    const key = typeof t.key === 'string' ? t.key : '';
    const effect = typeof t.effect === 'string' ? t.effect : '';
    const noExec = effect === 'NoExecute' || effect === '';
    if ((key === NOT_READY || key === '') && noExec) notReady = true;
    if ((key === UNREACHABLE || key === '') && noExec) unreachable = true;
  }
  const out = [...tolerations];
  if (!notReady) out.push({ key: NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  if (!unreachable) out.push({ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  if (out.length > 0) spec.tolerations = out;
}

/** Priority admission: on create set priority 0 / PreemptLowerPriority; on update restore them when unset. */
export function admitPriority(pod: Obj, old?: Obj): void {
  const spec = asObj(pod.spec);
  if (!spec) return;
  const oldSpec = old ? asObj(old.spec) : undefined;
  if (oldSpec) {
    if (spec.priority === undefined && oldSpec.priority !== undefined) spec.priority = oldSpec.priority;
    if (spec.preemptionPolicy === undefined && oldSpec.preemptionPolicy !== undefined) {
      spec.preemptionPolicy = oldSpec.preemptionPolicy;
    }
    return;
  }
  if (spec.priority === undefined) spec.priority = 0;
  if (spec.preemptionPolicy === undefined) spec.preemptionPolicy = 'PreemptLowerPriority';
}
