import { effect } from './effect.ts';
import { errorBody } from './error-body.ts';
import { headers } from './headers.ts';
import { immutability } from './immutability.ts';
import { noWrite } from './no-write.ts';
import type { Check, CheckId } from './outcome.ts';
import { responseSchema } from './response-schema.ts';
import { statusCode } from './status-code.ts';

export { diffOf } from './immutability.ts';
export * from './outcome.ts';

/** The closed registry of checks, in the order they run and are reported. */
export const CHECKS: Readonly<Record<CheckId, Check>> = {
  'status-code': statusCode,
  'response-schema': responseSchema,
  'error-body': errorBody,
  effect,
  immutability,
  'no-write': noWrite,
  headers,
};
