import type { CheckFailure } from './outcome.ts';
import { type CheckContext, type CheckOutcome, expandVars, fail, notApplicable, show } from './outcome.ts';

/** Response headers the case expects (version echo, Warning...). */
export function headers(ctx: CheckContext): CheckOutcome {
  const wanted = ctx.expect.headers ?? [];
  if (wanted.length === 0) return notApplicable('no header expectation');
  const failures: CheckFailure[] = [];
  for (const h of wanted) {
    const got = ctx.update.response.headers[h.name.toLowerCase()];
    const equals = h.equals === undefined ? undefined : expandVars(h.equals, ctx.vars);
    const includes = h.includes === undefined ? undefined : expandVars(h.includes, ctx.vars);
    let ok = true;
    if (h.absent) ok = got === undefined;
    else if (got === undefined) ok = false;
    else if (equals !== undefined && got.toLowerCase() !== equals.toLowerCase()) ok = false;
    else if (includes !== undefined && !got.includes(includes)) ok = false;
    if (!ok) {
      const expected = h.absent ? 'absent' : equals !== undefined ? show(equals) : includes !== undefined ? `containing ${show(includes)}` : 'present';
      failures.push({ check: 'headers', title: `Header ${h.name} not as expected`, expected, received: got === undefined ? '(absent)' : show(got) });
    }
  }
  return fail(failures);
}
