/** Kubernetes Pod PATCH: the target-specific parts of a case (see engine/cases/types.ts). */

export type PatchType = 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

/** The Content-Type each patch type is sent with (upstream installer.go `Consumes`). */
export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  'json-patch': 'application/json-patch+json',
  'merge-patch': 'application/merge-patch+json',
  'strategic-merge-patch': 'application/strategic-merge-patch+json',
  'apply-patch': 'application/apply-patch+yaml',
};

export interface K8sPatchRequest {
  /** Patch body per patch type; the case runs once per type given (apply-patch: a YAML/JSON string). */
  patch?: Partial<Record<PatchType, unknown>>;
  /** A body sent verbatim (malformed input); needs `contentType`. */
  rawBody?: string;
  /** Content-Type for `rawBody`, or an override (e.g. with `;charset=utf-8`). */
  contentType?: string;
  /** Query parameters (dryRun, fieldValidation, force, fieldManager). */
  query?: Record<string, string>;
  /** Address another pod than the case's own (404 cases). */
  podName?: string;
  /** Address another namespace than the run's (404 cases). */
  namespace?: string;
}

export interface K8sSetup {
  /** Deep-merged into fixtures/k8s/pod-template.yaml before the pod is created. */
  pod?: Record<string, unknown>;
  /** Merge patches applied, in order, after creation and before the GET that records "before". */
  mergePatches?: unknown[];
  /** DELETE the pod after the merge patches; with a finalizer in `pod` it stays, being deleted (deletionTimestamp set). */
  delete?: boolean;
}
