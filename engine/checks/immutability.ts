import jsonpatch, { type Operation } from 'fast-json-patch';
import { valueAt } from './effect.ts';
import type { CheckFailure } from './outcome.ts';
import { type CheckContext, type CheckOutcome, fail, isSuccess, notApplicable, show } from './outcome.ts';

/** True when `pointer` is `base` or lies below it; a `*` segment of `base` matches any one segment. */
function under(pointer: string, base: string): boolean {
  if (!base.includes('*')) return pointer === base || pointer.startsWith(`${base}/`);
  const want = base.split('/');
  const got = pointer.split('/');
  return got.length >= want.length && want.every((seg, i) => seg === '*' || seg === got[i]);
}

/** The GET-before/GET-after diff, as the report shows it. */
export function diffOf(before: unknown, after: unknown): Operation[] {
  if (before === undefined || after === undefined) return [];
  return jsonpatch.compare(before as object, after as object);
}

/**
 * Nothing changed that the update may not change. After an accepted update, every changed pointer must lie
 * under an expected effect, a declared `mayChange` pointer or the target's write-volatile pointers. After a
 * rejected update nothing may change at all: any difference is a partial apply.
 */
export function immutability(ctx: CheckContext): CheckOutcome {
  const status = ctx.update.response.status;
  if (ctx.gone) {
    // The update was answered, and the subject no longer answers under its name: the update removed or renamed it.
    return fail([
      {
        check: 'immutability',
        title: 'Subject gone after the update',
        expected: 'the subject still there (GET after answers 200)',
        received: `GET after answered 404 (the update answered ${status})`,
      },
    ]);
  }
  if (ctx.before === undefined || ctx.after === undefined) return notApplicable('the case addresses no subject of its own');
  const accepted = isSuccess(status);
  const allowed = accepted ? [...(ctx.expect.effect ?? []).map((e) => e.pointer), ...(ctx.expect.mayChange ?? []), ...ctx.traits.writeVolatile] : [];
  // An update that should have been refused but was applied: its own fields changed — a forbidden change, not "outside the update".
  const expected = Array.isArray(ctx.expect.status) ? ctx.expect.status : [ctx.expect.status];
  const forbidden = accepted && !expected.some(isSuccess) ? ctx.variant.case.fields.map((f) => ctx.traits.fieldPointer(f)) : [];
  const failures: CheckFailure[] = [];
  for (const op of diffOf(ctx.before, ctx.after)) {
    if (allowed.some((base) => under(op.path, base))) continue;
    const title = !accepted
      ? 'Partial apply: rejected update changed the resource'
      : forbidden.some((base) => under(op.path, base))
        ? 'Forbidden change applied'
        : 'Field outside the update changed';
    failures.push({
      check: 'immutability',
      title,
      expected: show(valueAt(ctx.before, op.path)),
      received: op.op === 'remove' ? '(removed)' : show(valueAt(ctx.after, op.path)),
      pointer: op.path,
    });
  }
  return fail(failures);
}
