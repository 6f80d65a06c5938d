import jsonpatch, { type Operation } from 'fast-json-patch';
import { valueAt } from './effect.ts';
import type { CheckFailure } from './outcome.ts';
import { type CheckContext, type CheckOutcome, fail, isSuccess, notApplicable, show } from './outcome.ts';

/** True when `pointer` is `base` or lies below it. */
function under(pointer: string, base: string): boolean {
  return pointer === base || pointer.startsWith(`${base}/`);
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
  if (ctx.before === undefined || ctx.after === undefined) return notApplicable('the case addresses no subject of its own');
  const accepted = isSuccess(ctx.update.response.status);
  const allowed = accepted ? [...(ctx.expect.effect ?? []).map((e) => e.pointer), ...(ctx.expect.mayChange ?? []), ...ctx.traits.writeVolatile] : [];
  const failures: CheckFailure[] = [];
  for (const op of diffOf(ctx.before, ctx.after)) {
    if (allowed.some((base) => under(op.path, base))) continue;
    failures.push({
      check: 'immutability',
      title: accepted ? 'Field outside the update changed' : 'Partial apply: rejected update changed the resource',
      expected: show(valueAt(ctx.before, op.path)),
      received: op.op === 'remove' ? '(removed)' : show(valueAt(ctx.after, op.path)),
      pointer: op.path,
    });
  }
  return fail(failures);
}
