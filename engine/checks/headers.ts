import type { CheckFailure } from './outcome.ts';
import { type CheckContext, type CheckOutcome, expandVars, fail, notApplicable, show } from './outcome.ts';

/** The media type of a Content-Type value: lowercase, without parameters (`application/json; charset=utf-8` → `application/json`). */
function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/**
 * Response headers: every JSON answer (success or error) says it is JSON (`application/json`, parameters
 * allowed, or the target's own JSON media types), and the headers the case expects (version echo, Warning...).
 */
export function headers(ctx: CheckContext): CheckOutcome {
  const wanted = ctx.expect.headers ?? [];
  const { json, headers: got } = ctx.update.response;
  // A front layer's body is its own business (front-layer.ts); the headers the case expects are still checked.
  const isJsonAnswer = json !== undefined && !ctx.expect.notJson && !ctx.frontLayer;
  if (wanted.length === 0 && !isJsonAnswer) return notApplicable('no JSON body and no header expectation');
  const failures: CheckFailure[] = [];
  const types = ctx.traits.jsonMediaTypes ?? ['application/json'];
  const type = mediaType(got['content-type']);
  if (isJsonAnswer && (type === undefined || !types.includes(type))) {
    failures.push({
      check: 'headers',
      title: 'JSON answer without a JSON media type',
      expected: `Content-Type ${types.join(' or ')}`,
      received: show(got['content-type'] ?? '(absent)'),
    });
  }
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
