import { join } from 'node:path';
import { FIXTURES_DIR } from '../../cases/load.ts';
import type { ConformanceCase } from '../../cases/types.ts';
import type { SupersededTests } from '../../results.ts';
import { readYamlFixture } from '../../yaml.ts';

/** fixtures/nova/interop.yaml: the interop capability every case tests and the Tempest tests each supersedes. */
interface InteropData {
  programme: string;
  capability: string;
  tempest: { test: string; inGuideline: boolean; cases: string[] }[];
}

let data: InteropData | undefined;

function interop(): InteropData {
  data ??= readYamlFixture(join(FIXTURES_DIR, 'nova', 'interop.yaml')) as InteropData;
  return data;
}

/** The interop capability of a Nova case and the Tempest tests it supersedes (`(not in the guideline)` marked). */
export function novaSupersedes(c: ConformanceCase): SupersededTests {
  const d = interop();
  const tests = d.tempest.filter((t) => t.cases.includes(c.id)).map((t) => (t.inGuideline ? t.test : `${t.test} (not in the guideline)`));
  return { programme: d.programme, capability: d.capability, tests };
}

/** Case ids interop.yaml names that are not cases (a renamed case must not silently drop its Tempest link). */
export function unknownInteropCases(cases: ConformanceCase[]): string[] {
  const ids = new Set(cases.map((c) => c.id));
  return interop().tempest.flatMap((t) => t.cases.filter((id) => !ids.has(id)));
}
