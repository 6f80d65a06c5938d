/**
 * A rejection that the cluster's own admission chain decided, not Kubernetes' validation: a
 * ValidatingAdmissionPolicy (or MutatingAdmissionPolicy) or an admission webhook. The wording is upstream's
 * (k8s.io/apiserver@v0.34.10 pkg/admission/plugin/policy/validating/dispatcher.go, policy/generic/
 * policy_dispatcher.go, webhook/errors/statuserror.go); the Status message or a `Warning` header names it.
 */
import type { Exchange } from '../../http/exchange.ts';
import type { Obj } from '../../json.ts';

const PATTERNS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/ValidatingAdmissionPolicy '([^']+)'(?: with binding '([^']+)')? denied request/, (m) => `ValidatingAdmissionPolicy '${m[1]}'${bound(m[2])}`],
  [/Validation failed for ValidatingAdmissionPolicy '([^']+)'(?: with binding '([^']+)')?/, (m) => `ValidatingAdmissionPolicy '${m[1]}'${bound(m[2])}`],
  [/\bpolicy '([^']+)' with binding '([^']+)' denied request/, (m) => `admission policy '${m[1]}'${bound(m[2])}`],
  [/\bpolicy "([^"]+)" denied request/, (m) => `admission policy '${m[1]}'`],
  [/admission webhook "([^"]+)" denied the request/, (m) => `admission webhook '${m[1]}'`],
  [/failed calling webhook "([^"]+)"/, (m) => `admission webhook '${m[1]}' (could not be called)`],
];

function bound(binding: string | undefined): string {
  return binding ? ` (binding '${binding}')` : '';
}

function named(text: string): string | undefined {
  for (const [re, name] of PATTERNS) {
    const m = re.exec(text);
    if (m) return name(m);
  }
  return undefined;
}

/** "rejected by the cluster's own policy: ValidatingAdmissionPolicy 'x' (binding 'y')" for such a rejection. */
export function k8sPolicyRejection(update: Exchange): string | undefined {
  if (update.response.status < 400) return undefined;
  const message = (update.response.json as Obj | undefined)?.message;
  const who = (typeof message === 'string' ? named(message) : undefined) ?? named(update.response.headers.warning ?? '');
  return who ? `rejected by the cluster's own policy: ${who}` : undefined;
}
