/**
 * metav1.Status bodies, shaped like the apiserver's (shared/reference/k8s-pod-patch.md §3):
 * every key is omitempty except `metadata`, which is always `{}`; `kind`/`apiVersion` are set by
 * the response writer. Field errors follow apimachinery's field.Error formatting
 * (`<field>: <Type>: <detail>`), and NewInvalid joins several of them as `[e1, e2]`.
 */

export type CauseReason =
  | 'FieldValueInvalid'
  | 'FieldValueRequired'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** An error the HTTP layer turns into a Status response (plus optional extra headers). */
export class ApiError extends Error {
  readonly status: StatusBody;
  constructor(status: StatusBody) {
    super(status.message ?? `status ${status.code}`);
    this.status = status;
  }
  get code(): number {
    return this.status.code;
  }
}

function failure(code: number, message: string, reason?: string, details?: StatusDetails): ApiError {
  const body: StatusBody = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code };
  if (message) body.message = message;
  if (reason) body.reason = reason;
  if (details) body.details = details;
  // key order like the apiserver: kind, apiVersion, metadata, status, message, reason, details, code
  const ordered: StatusBody = {
    kind: body.kind,
    apiVersion: body.apiVersion,
    metadata: body.metadata,
    status: body.status,
    ...(body.message !== undefined ? { message: body.message } : {}),
    ...(body.reason !== undefined ? { reason: body.reason } : {}),
    ...(body.details !== undefined ? { details: body.details } : {}),
    code: body.code,
  };
  return new ApiError(ordered);
}

/** One apimachinery field.Error. */
export interface FieldError {
  type: CauseReason;
  field: string;
  /** The bad value, if the error type prints it (Invalid, NotSupported, Duplicate). */
  value?: unknown;
  hasValue?: boolean;
  detail: string;
}

/** Go-ish printing of a bad value: strings quoted, numbers bare, nil as null, structs as JSON. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return '<unprintable>';
  }
}

const TYPE_TEXT: Record<CauseReason, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
};

/** The part after `<field>: ` (this is also the cause message). */
export function errorBody(e: FieldError): string {
  const t = TYPE_TEXT[e.type];
  if (e.type === 'FieldValueRequired' || e.type === 'FieldValueForbidden' || e.type === 'FieldValueTooLong') {
    return e.detail ? `${t}: ${e.detail}` : t;
  }
  const v = formatValue(e.value);
  return e.detail ? `${t}: ${v}: ${e.detail}` : `${t}: ${v}`;
}

export const fe = {
  invalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueInvalid',
    field,
    value,
    hasValue: true,
    detail,
  }),
  required: (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail }),
  forbidden: (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail }),
  tooLong: (field: string, max: number): FieldError => ({
    type: 'FieldValueTooLong',
    field,
    detail: `may not be more than ${max} bytes`,
  }),
  notSupported: (field: string, value: unknown, supported: string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field,
    value,
    hasValue: true,
    detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({
    type: 'FieldValueDuplicate',
    field,
    value,
    hasValue: true,
    detail: '',
  }),
};

/** apierrors.NewInvalid(qualifiedKind, name, errs) → 422 Invalid. */
export function invalid(qualifiedKind: string, kind: string, name: string, errs: FieldError[], group?: string): ApiError {
  const unique: string[] = [];
  for (const e of errs) {
    const s = `${e.field}: ${errorBody(e)}`;
    if (!unique.includes(s)) unique.push(s);
  }
  const joined = unique.length === 1 ? (unique[0] ?? '') : `[${unique.join(', ')}]`;
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (group) details.group = group;
  if (kind) details.kind = kind;
  details.causes = errs.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field }));
  return failure(422, `${qualifiedKind} ${JSON.stringify(name)} is invalid: ${joined}`, 'Invalid', details);
}

export const podInvalid = (name: string, errs: FieldError[]): ApiError => invalid('Pod', 'Pod', name, errs);

/** NewInvalid(PatchOptions.meta.k8s.io, "", errs). */
export const patchOptionsInvalid = (errs: FieldError[]): ApiError => invalid('PatchOptions.meta.k8s.io', 'PatchOptions', '', errs, 'meta.k8s.io');

/** NewInvalid(schema.GroupKind{}, "", [Invalid("patch", ...)]) used for decode / strict errors of a patch. */
export function patchDecodeInvalid(patched: string, err: string): ApiError {
  const shown = patched.length > 2048 ? `${patched.slice(0, 2048)}...` : patched;
  return invalid('', '', '', [fe.invalid('patch', shown, err)]);
}

/** NewGenericServerResponse(422, …, isUnexpectedResponse=false): the json-patch application failure. */
export const genericUnprocessable = (): ApiError => failure(422, 'the server rejected our request due to an error in our request', 'Invalid', {});

export const badRequest = (message: string): ApiError => failure(400, message, 'BadRequest');

export const notFound = (resource: string, name: string): ApiError =>
  failure(404, `${resource} ${JSON.stringify(name)} not found`, 'NotFound', { name, kind: resource });

export const routeNotFound = (): ApiError => failure(404, 'the server could not find the requested resource', 'NotFound', {});

export const conflict = (resource: string, name: string): ApiError =>
  failure(
    409,
    `Operation cannot be fulfilled on ${resource} ${JSON.stringify(name)}: the object has been modified; please apply your changes to the latest version and try again`,
    'Conflict',
    { name, kind: resource },
  );

/** A server-side apply conflict (apimachinery errors.NewApplyConflict via managedfields NewConflictError). */
export function applyConflict(conflicts: { path: string; manager: string }[]): ApiError {
  const who = (m: string) => `${JSON.stringify(m)} using v1`;
  const first = conflicts[0];
  const message =
    conflicts.length === 1 && first
      ? `Apply failed with 1 conflict: conflict with ${who(first.manager)}: ${first.path}`
      : `Apply failed with ${conflicts.length} conflicts: ${[...new Set(conflicts.map((c) => c.manager))]
          .sort()
          .map((m) => [`conflicts with ${who(m)}:`, ...conflicts.filter((c) => c.manager === m).map((c) => `- ${c.path}`)].join('\n'))
          .join('\n')}`;
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${who(c.manager)}`, field: c.path }));
  return failure(409, message, 'Conflict', { causes });
}

export const alreadyExists = (resource: string, name: string): ApiError =>
  failure(409, `${resource} ${JSON.stringify(name)} already exists`, 'AlreadyExists', { name, kind: resource });

export const unsupportedMediaType = (): ApiError => failure(415, '415: Unsupported Media Type', 'UnsupportedMediaType', {});

export const methodNotAllowed = (): ApiError => failure(405, '405: Method Not Allowed', 'MethodNotAllowed', {});

export const tooLarge = (detail: string): ApiError => failure(413, `Request entity too large: ${detail}`, 'RequestEntityTooLarge');

export const unauthorized = (): ApiError => failure(401, 'Unauthorized', 'Unauthorized');

/** A plain Go error surfacing through ErrorToAPIStatus: 500, no reason. */
export const internal = (message: string): ApiError => failure(500, message);

export const forbidden = (message: string, details?: StatusDetails): ApiError => failure(403, message, 'Forbidden', details);

export function successStatus(details?: StatusDetails): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}) };
}
