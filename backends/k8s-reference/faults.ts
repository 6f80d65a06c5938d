/**
 * Switchable, named deviations from upstream behaviour. Each one makes the reference backend
 * wrong in one documented way, so the suite's self-test can prove that some check catches it.
 */

import { parseFaultList } from '../shared/fault-list.ts';

export type K8sFault =
  | 'accept-forbidden'
  | 'partial-apply'
  | 'drop-allowed-change'
  | 'ignore-change'
  | 'touch-other-field'
  | 'wrong-error-status'
  | 'wrong-reason'
  | 'no-causes'
  | 'generic-messages'
  | 'status-body-not-status'
  | 'status-code-as-string'
  | 'pod-missing-kind'
  | 'ignore-resource-version'
  | 'always-write'
  | 'accept-any-content-type'
  | 'malformed-as-500'
  | 'ignore-dry-run'
  | 'lenient-options'
  | 'no-patch-limits'
  | 'drop-unknown-fields'
  | 'no-warning-header'
  | 'silent-reset-off'
  | 'not-found-as-403'
  | 'rename-on-patch'
  | 'reset-active-deadline'
  | 'json-as-text-plain'
  | 'apply-ignores-conflicts'
  | 'apply-accepts-managed-fields'
  | 'gated-node-selector-mutable'
  | 'node-selector-gate-on-new-pod'
  | 'scheduling-gate-count-only'
  | 'scheduling-gates-all-or-nothing'
  | 'finalizers-while-deleting'
  | 'deletion-timestamp-immutable-error'
  | 'generation-not-bumped'
  | 'generation-on-any-write'
  | 'apparmor-annotation-allowed'
  | 'unqualified-finalizer-allowed'
  | 'toleration-seconds-presence-fixed'
  | 'tolerations-by-index'
  | 'pod-resources-mutable'
  | 'spec-fields-mutable'
  | 'no-status-details'
  | 'label-syntax-unchecked'
  | 'empty-label-value-rejected'
  | 'annotation-keys-case-sensitive'
  | 'owner-references-unchecked'
  | 'finalizer-syntax-unchecked'
  | 'pod-annotation-syntax-unchecked'
  | 'limits-off-by-one'
  | 'disabled-gate-fields-kept';

export const K8S_FAULTS: readonly { name: K8sFault; family: string; description: string }[] = [
  {
    name: 'accept-forbidden',
    family: 'status-code',
    description: 'Skips ValidatePodUpdate (object-meta, spec and annotation rules): forbidden updates are answered 200 and stored.',
  },
  {
    name: 'partial-apply',
    family: 'immutability',
    description:
      'Answers the correct 422 for a rejected update but stores the patched object anyway; a JSON patch that fails half-way keeps the operations applied before the failing one.',
  },
  {
    name: 'drop-allowed-change',
    family: 'effect',
    description: 'Answers 200 with the patched object but stores nothing (the next GET shows the old object).',
  },
  {
    name: 'ignore-change',
    family: 'effect',
    description: 'Answers 200 with the unchanged current object and stores nothing.',
  },
  {
    name: 'touch-other-field',
    family: 'immutability',
    description: 'Every accepted, persisted update also increments spec.terminationGracePeriodSeconds (a field the update did not touch).',
  },
  {
    name: 'wrong-error-status',
    family: 'status-code',
    description: 'Every 422 Invalid answer is sent as 400 (HTTP status and Status.code).',
  },
  {
    name: 'wrong-reason',
    family: 'error-body',
    description:
      'Status.reason is swapped for a plausible wrong one (Invalid<->BadRequest, NotFound->Gone, Conflict->AlreadyExists, UnsupportedMediaType/RequestEntityTooLarge->BadRequest; 500s get reason InternalError).',
  },
  {
    name: 'no-causes',
    family: 'error-body',
    description: 'Status.details.causes is left out of 422 Invalid answers.',
  },
  {
    name: 'generic-messages',
    family: 'error-body',
    description: 'Status.message is replaced by the fixed text "error" and cause messages are emptied.',
  },
  {
    name: 'status-body-not-status',
    family: 'response-schema',
    description: 'Errors are answered with a bare {"error": "<message>"} body instead of a metav1.Status.',
  },
  {
    name: 'status-code-as-string',
    family: 'response-schema',
    description: 'Status.code is serialized as a string ("422") instead of an integer.',
  },
  {
    name: 'pod-missing-kind',
    family: 'response-schema',
    description: 'Pod bodies in PATCH/GET answers lack kind and apiVersion.',
  },
  {
    name: 'ignore-resource-version',
    family: 'status-code',
    description: 'metadata.resourceVersion in a patch is ignored: no 409 Conflict for a stale value and no 500 for a non-numeric one.',
  },
  {
    name: 'always-write',
    family: 'no-write',
    description: 'A patch that changes nothing is still written: the resourceVersion is bumped.',
  },
  {
    name: 'accept-any-content-type',
    family: 'status-code',
    description: 'Unsupported Content-Types are treated as merge patches instead of 415.',
  },
  {
    name: 'malformed-as-500',
    family: 'status-code',
    description: 'Every 400 BadRequest answer (unparseable bodies, name/namespace mismatches) is sent as 500 InternalError.',
  },
  {
    name: 'ignore-dry-run',
    family: 'effect',
    description: 'dryRun=All is ignored: the change is persisted.',
  },
  {
    name: 'lenient-options',
    family: 'status-code',
    description:
      'PatchOptions are not validated: dryRun values other than All, force on non-apply patches, a missing fieldManager on apply and unknown fieldValidation values are accepted.',
  },
  {
    name: 'no-patch-limits',
    family: 'status-code',
    description: 'No 413: JSON patches may hold more than 10000 operations and bodies may exceed 3 MiB.',
  },
  {
    name: 'drop-unknown-fields',
    family: 'headers',
    description: 'Unknown fields are always dropped silently: no Warning header under Warn, no 422 under Strict, no 500 for apply.',
  },
  {
    name: 'no-warning-header',
    family: 'headers',
    description: 'The Warning response header for unknown fields (fieldValidation=Warn) is not sent.',
  },
  {
    name: 'silent-reset-off',
    family: 'immutability',
    description: 'creationTimestamp, generation, selfLink and status sent in a patch are stored as sent instead of being silently reset/dropped.',
  },
  {
    name: 'not-found-as-403',
    family: 'status-code',
    description: 'A missing pod or namespace is answered 403 Forbidden instead of 404 NotFound.',
  },
  {
    name: 'rename-on-patch',
    family: 'immutability',
    description: 'A patch that changes metadata.name is accepted (200) and the pod is stored under the new name: the old name answers 404.',
  },
  {
    name: 'reset-active-deadline',
    family: 'immutability',
    description: 'An accepted patch that does not change spec.activeDeadlineSeconds clears it (back to its default: unset) as a side effect.',
  },
  {
    name: 'json-as-text-plain',
    family: 'headers',
    description: 'JSON answers (pods and Status errors) carry Content-Type text/plain instead of application/json.',
  },
  {
    name: 'apply-ignores-conflicts',
    family: 'status-code',
    description: 'Server-side apply without force never conflicts: a field another manager owns is silently taken over (200, not 409 FieldManagerConflict).',
  },
  {
    name: 'apply-accepts-managed-fields',
    family: 'status-code',
    description: 'An apply patch carrying metadata.managedFields is accepted (the list is dropped) instead of 400 "metadata.managedFields must be nil".',
  },
  {
    name: 'gated-node-selector-mutable',
    family: 'immutability',
    description: 'On a gated pod, existing nodeSelector entries may be changed or removed (upstream allows additions only).',
  },
  {
    name: 'node-selector-gate-on-new-pod',
    family: 'status-code',
    description:
      "The gated-pod nodeSelector rule looks at the patched pod's gates instead of the stored pod's, so removing the last gate and adding a selector in one patch is refused.",
  },
  {
    name: 'scheduling-gate-count-only',
    family: 'immutability',
    description: 'Scheduling gates are checked by count only: a renamed gate passes as long as no gate is added.',
  },
  {
    name: 'scheduling-gates-all-or-nothing',
    family: 'status-code',
    description: 'Scheduling gates may only be removed all at once: removing one of two is refused.',
  },
  {
    name: 'finalizers-while-deleting',
    family: 'immutability',
    description: 'New finalizers may be added to a pod that is being deleted.',
  },
  {
    name: 'deletion-timestamp-immutable-error',
    family: 'status-code',
    description: 'A changed deletionTimestamp on a pod being deleted is rejected as immutable (422) instead of silently kept.',
  },
  {
    name: 'generation-not-bumped',
    family: 'effect',
    description: 'metadata.generation is never raised on spec changes.',
  },
  {
    name: 'generation-on-any-write',
    family: 'effect',
    description: 'metadata.generation is raised on every write, metadata-only ones included.',
  },
  {
    name: 'apparmor-annotation-allowed',
    family: 'immutability',
    description: 'Beta AppArmor annotations may be added to an existing pod.',
  },
  {
    name: 'unqualified-finalizer-allowed',
    family: 'status-code',
    description: 'Finalizer names without a domain are accepted even when they are not one of the standard ones.',
  },
  {
    name: 'toleration-seconds-presence-fixed',
    family: 'status-code',
    description: 'tolerationSeconds of an existing toleration may change but not be added or removed.',
  },
  {
    name: 'tolerations-by-index',
    family: 'status-code',
    description: 'Existing tolerations are compared by position, so reordering them is refused.',
  },
  {
    name: 'pod-resources-mutable',
    family: 'immutability',
    description: 'Pod-level spec.resources may be set or changed on an existing pod (upstream: only through pods/resize).',
  },
  {
    name: 'spec-fields-mutable',
    family: 'immutability',
    description:
      'Every PodSpec and container field is updatable: the final "pod updates may not change fields other than" comparison is skipped (container count, image, activeDeadlineSeconds, toleration and gate rules still hold).',
  },
  {
    name: 'no-status-details',
    family: 'error-body',
    description: 'Status.details.name and Status.details.kind are left out of error answers.',
  },
  {
    name: 'label-syntax-unchecked',
    family: 'status-code',
    description: 'Label keys and values are not checked on update (qualified-name key parts, lengths, characters, first/last character).',
  },
  {
    name: 'empty-label-value-rejected',
    family: 'status-code',
    description: 'An empty label value is refused (upstream allows it).',
  },
  {
    name: 'annotation-keys-case-sensitive',
    family: 'status-code',
    description: 'Annotation keys with upper-case letters are refused (upstream checks them lower-cased).',
  },
  {
    name: 'owner-references-unchecked',
    family: 'status-code',
    description: 'Owner references are not checked on update (required apiVersion, kind, name, uid; banned Event owner; one controller).',
  },
  {
    name: 'finalizer-syntax-unchecked',
    family: 'status-code',
    description: 'Finalizer names are not checked as qualified names and orphan + foregroundDeletion may be set together.',
  },
  {
    name: 'pod-annotation-syntax-unchecked',
    family: 'status-code',
    description: 'The scheduler tolerations annotation and the seccomp annotations are not validated.',
  },
  {
    name: 'limits-off-by-one',
    family: 'status-code',
    description:
      'Each limit refuses its largest accepted value: label name part / value 63 and prefix 253 characters, annotations totalling 262144 bytes, pod-deletion-cost 2147483647, fieldManager 128 characters, activeDeadlineSeconds 1.',
  },
  {
    name: 'disabled-gate-fields-kept',
    family: 'status-code',
    description:
      'A field behind a feature gate that is off in the imitated release (spec.hostnameOverride before 1.35) is kept and validated instead of dropped.',
  },
];

/** Parse a comma list (the K8S_REFERENCE_FAULTS env var); unknown names throw, repeats are dropped. */
export function parseFaults(list: string | undefined): K8sFault[] {
  return parseFaultList(list, K8S_FAULTS, { noun: 'k8s reference fault', unique: true });
}
