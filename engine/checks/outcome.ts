import type { CaseVariant, Expectation } from '../cases/types.ts';
import type { Exchange } from '../http/exchange.ts';
import type { SchemaRegistry } from '../schemas.ts';

/** The closed set of checks; the id is what baselines, reports and failure lines name. */
export type CheckId = 'status-code' | 'response-schema' | 'error-body' | 'effect' | 'immutability' | 'no-write' | 'headers';

/** A conformance failure: the target behaved differently from the expectation. */
export interface CheckFailure {
  check: CheckId;
  /** Fixed per kind of failure, like Schemathesis titles. */
  title: string;
  expected: string;
  received: string;
  /** JSON pointer the failure is about, if any. */
  pointer?: string;
}

export type CheckOutcome = { kind: 'pass' } | { kind: 'not-applicable'; why: string } | { kind: 'fail'; failures: CheckFailure[] };

export const pass = (): CheckOutcome => ({ kind: 'pass' });
export const notApplicable = (why: string): CheckOutcome => ({ kind: 'not-applicable', why });
export const fail = (failures: CheckFailure[]): CheckOutcome => (failures.length ? { kind: 'fail', failures } : { kind: 'pass' });

/** What a target tells the checks about itself. */
export interface TargetTraits {
  /** Pointers a successful write may change besides the effect (resourceVersion, updated...). */
  writeVolatile: string[];
  /** Pointer of the optimistic-concurrency version, for `no-write`. */
  versionPointer?: string;
  /** Schema id for this response (its status, negotiated version) of this variant. */
  schemaFor(response: Exchange, variant: CaseVariant): string | undefined;
  /** The error message of an error body, wherever the target puts it. */
  errorMessage(body: unknown): string | undefined;
  /** Media types of the target's JSON answers (default `application/json`; parameters such as charset allowed). */
  jsonMediaTypes?: string[];
  /** Where a case's field (`fields:` entry) lives in the subject, as a JSON pointer (`*` = any array index). */
  fieldPointer(field: string): string;
  /** Who rejected the update when it was the target's own policy (an admission policy), not the API's rules. */
  policyRejection?(update: Exchange): string | undefined;
  /**
   * Whether an error body is in the target's own error envelope (engine/checks/front-layer.ts); without it every
   * body is taken as the target's.
   */
  upstreamErrorBody?(body: unknown): boolean;
}

/** Everything a check may look at. */
export interface CheckContext {
  variant: CaseVariant;
  expect: Expectation;
  update: Exchange;
  /** GET of the subject before and after the update; undefined when the case addresses no own subject. */
  before?: unknown;
  after?: unknown;
  traits: TargetTraits;
  schemas: SchemaRegistry;
  /** Values for `${name}` placeholders in expectations. */
  vars: Record<string, string>;
  /** The subject answered 404 to the GET after an answered update: it is gone (`after` is then undefined). */
  gone?: boolean;
  /** Set when a layer in front of the API answered (front-layer.ts): the body checks do not apply, this says why. */
  frontLayer?: string;
}

export type Check = (ctx: CheckContext) => CheckOutcome;

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Short JSON for failure lines. */
export function show(value: unknown, max = 200): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function expandVars(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
}
