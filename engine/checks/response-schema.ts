import { type CheckContext, type CheckOutcome, fail, notApplicable, pass } from './outcome.ts';

/** The response body (success or error) matches the documented schema for its status and version. */
export function responseSchema(ctx: CheckContext): CheckOutcome {
  const { status, json, jsonError } = ctx.update.response;
  if (ctx.expect.notJson) return notApplicable('upstream answers this without a JSON body');
  if (ctx.frontLayer) return notApplicable(ctx.frontLayer);
  const schemaId = ctx.traits.schemaFor(ctx.update, ctx.variant);
  if (!schemaId) return notApplicable(`no schema for status ${status}`);
  const schema = ctx.schemas.nameOf(schemaId);
  if (json === undefined) {
    return fail([{ check: 'response-schema', title: 'Response body is not JSON', expected: `JSON matching ${schema}`, received: jsonError ?? 'no body' }]);
  }
  const violations = ctx.schemas.validate(schemaId, json);
  if (violations.length === 0) return pass();
  return fail(
    violations.slice(0, 10).map((v) => ({
      check: 'response-schema' as const,
      title: 'Response violates schema',
      expected: schema,
      received: `${v.pointer}: ${v.message}`,
      pointer: v.pointer,
    })),
  );
}
