import type { Obj } from '../json.ts';
import type { CheckFailure } from './outcome.ts';
import { type CheckContext, type CheckOutcome, expandVars, fail, isSuccess, notApplicable, show } from './outcome.ts';

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The error body names the expected reason (Kubernetes `Status.reason`, `code` = HTTP status, `causes`)
 * or fault (Nova `{"<fault>": {"code", "message"}}`), and its message carries the stable substrings.
 */
export function errorBody(ctx: CheckContext): CheckOutcome {
  const want = ctx.expect.error;
  const { status, json } = ctx.update.response;
  if (!want) return notApplicable('no error expectation');
  if (isSuccess(status)) return notApplicable('the update succeeded');
  if (ctx.frontLayer) return notApplicable(ctx.frontLayer);
  const failures: CheckFailure[] = [];
  const add = (title: string, expected: string, received: string, pointer?: string) =>
    failures.push({ check: 'error-body', title, expected, received, pointer });
  if (!isObj(json)) {
    add('Error body is not a JSON object', 'a JSON error object', show(json ?? ctx.update.response.jsonError));
    return fail(failures);
  }
  if (want.reason !== undefined) {
    if (want.reason === null ? 'reason' in json : json.reason !== want.reason) {
      add('Wrong Status reason', want.reason === null ? 'no reason' : want.reason, show(json.reason), '/reason');
    }
    if (json.code !== status) add('Status code member differs from HTTP status', String(status), show(json.code), '/code');
  }
  if (want.fault !== undefined) {
    const inner = json[want.fault];
    if (!isObj(inner)) add('Wrong fault key', want.fault, Object.keys(json).join(', ') || '(none)');
    else if (inner.code !== status) add('Fault code differs from HTTP status', String(status), show(inner.code), `/${want.fault}/code`);
  }
  if (want.details) {
    const details = isObj(json.details) ? json.details : {};
    for (const [key, expected] of Object.entries(want.details)) {
      const value = expandVars(expected, ctx.vars);
      if (details[key] !== value) add(`Wrong Status details.${key}`, value, show(details[key]), `/details/${key}`);
    }
  }
  for (const cause of want.causes ?? []) {
    const details = isObj(json.details) ? json.details : {};
    const causes = Array.isArray(details.causes) ? details.causes.filter(isObj) : [];
    const hit = causes.some(
      (c) =>
        (cause.field === undefined || c.field === cause.field) &&
        (cause.reason === undefined || c.reason === cause.reason) &&
        (cause.messageIncludes === undefined || String(c.message ?? '').includes(cause.messageIncludes)),
    );
    if (!hit) add('Missing cause', show(cause), show(causes.map((c) => ({ field: c.field, reason: c.reason }))), '/details/causes');
  }
  const message = ctx.traits.errorMessage(json) ?? '';
  for (const part of want.messageIncludes ?? []) {
    if (!message.includes(part)) add('Error message lacks expected text', `message containing ${show(part)}`, show(message, 300));
  }
  return fail(failures);
}
