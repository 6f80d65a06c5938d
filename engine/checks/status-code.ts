import { type CheckContext, type CheckOutcome, fail, pass } from './outcome.ts';

/** The response status is the expected one (or one of the accepted set). */
export function statusCode(ctx: CheckContext): CheckOutcome {
  const expected = Array.isArray(ctx.expect.status) ? ctx.expect.status : [ctx.expect.status];
  const got = ctx.update.response.status;
  if (expected.includes(got)) return pass();
  return fail([{ check: 'status-code', title: 'Unexpected HTTP status', expected: expected.join(' or '), received: String(got) }]);
}
