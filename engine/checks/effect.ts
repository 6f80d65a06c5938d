import jsonpatch from 'fast-json-patch';
import { resolvePlaceholders } from '../cases/placeholders.ts';
import type { CheckFailure } from './outcome.ts';
import { type CheckContext, type CheckOutcome, fail, isSuccess, notApplicable, show } from './outcome.ts';

const MISSING = Symbol('missing');

/** Value at a JSON pointer, or MISSING. */
export function valueAt(doc: unknown, pointer: string): unknown {
  try {
    const v = jsonpatch.getValueByPointer(doc, pointer) as unknown;
    return v === undefined ? MISSING : v;
  } catch {
    return MISSING;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  return jsonpatch.compare({ v: a as object }, { v: b as object }).length === 0;
}

/**
 * An accepted update took effect: each expected value is in the response and, when persisted, in the next GET.
 * A dry run (persisted: false) must show the change in the response and leave the stored object alone.
 */
export function effect(ctx: CheckContext): CheckOutcome {
  const effects = ctx.expect.effect ?? [];
  if (!isSuccess(ctx.update.response.status)) return notApplicable('the update was rejected');
  const persisted = ctx.expect.persisted !== false;
  if (effects.length === 0 && persisted) return notApplicable('no effect expected');
  const failures: CheckFailure[] = [];
  const where: [string, unknown][] = [['response', ctx.update.response.json]];
  if (persisted && ctx.after !== undefined) where.push(['GET after', ctx.after]);
  for (const e of effects) {
    // Values may name run-time facts of the subject (`${availabilityZone}`), as request bodies do.
    const want = resolvePlaceholders(e.value, ctx.vars);
    for (const [label, doc] of where) {
      const got = valueAt(doc, e.pointer);
      const ok = e.absent ? got === MISSING : got !== MISSING && deepEqual(got, want);
      if (!ok) {
        failures.push({
          check: 'effect',
          title: `Allowed change not visible in ${label}`,
          expected: e.absent ? '(absent)' : show(want),
          received: got === MISSING ? '(absent)' : show(got),
          pointer: e.pointer,
        });
      }
    }
  }
  if (!persisted && ctx.before !== undefined && ctx.after !== undefined) {
    const diff = jsonpatch.compare(ctx.before as object, ctx.after as object);
    if (diff.length > 0) {
      failures.push({
        check: 'effect',
        title: 'Dry run was persisted',
        expected: 'GET after equals GET before',
        received: diff.map((op) => `${op.op} ${op.path}`).join(', '),
        pointer: diff[0]?.path,
      });
    }
  }
  return fail(failures);
}
