import { valueAt } from './effect.ts';
import { type CheckContext, type CheckOutcome, fail, notApplicable, pass, show } from './outcome.ts';

/** A no-op update must not write: the resource version stays what it was. */
export function noWrite(ctx: CheckContext): CheckOutcome {
  const pointer = ctx.traits.versionPointer;
  if (!ctx.expect.noWrite) return notApplicable('a write is allowed');
  if (!pointer || ctx.before === undefined || ctx.after === undefined) return notApplicable('no resource version to compare');
  const before = valueAt(ctx.before, pointer);
  const after = valueAt(ctx.after, pointer);
  if (before === after) return pass();
  return fail([{ check: 'no-write', title: 'No-op update wrote a new version', expected: show(before), received: show(after), pointer }]);
}
