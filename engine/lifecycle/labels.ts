/** The label every object a run creates carries; cleanup selects by it and never touches anything without it. */
export const RUN_LABEL = 'update-conformance/run';

/** Name prefix of everything a run creates (pods, namespaces, servers): `uc-<runId>-`. */
export function runPrefix(runId: string): string {
  return `uc-${runId}-`;
}
