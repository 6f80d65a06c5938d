/**
 * Opens the suites' targets in-process against their reference backends, through the ordinary configuration
 * contract (an env record → loadConfig → openSuite), so self-tests exercise exactly what a real run does.
 */
import { startReferenceBackend } from '../../cli/embedded.ts';
import type { CaseVariant } from '../../engine/cases/types.ts';
import { loadConfig } from '../../engine/config/index.ts';
import type { TargetAdapter } from '../../engine/run-case.ts';
import type { SchemaRegistry } from '../../engine/schemas.ts';
import { openSuite, targetNamed } from '../../engine/targets/index.ts';
import type { AnyTarget } from '../../engine/targets/target.ts';

export interface OpenTarget {
  suite: string;
  variants: CaseVariant[];
  adapter: TargetAdapter;
  schemas: SchemaRegistry;
  faults: readonly { name: string; family: string; description: string }[];
  setFaults(f: string[]): void;
  close(): Promise<void>;
}

const runEnv = (extra: Record<string, string>) => ({
  CONFORMANCE_RUN_ID: `st${Math.random().toString(36).slice(2, 8)}`,
  CONFORMANCE_REPORT_DIR: 'reports/selftest',
  ...extra,
});

export async function openReferenceTarget(target: AnyTarget, release?: string): Promise<OpenTarget> {
  const backend = await startReferenceBackend(target, release);
  try {
    const suite = await openSuite(target, loadConfig(runEnv(backend.env)));
    return {
      suite: target.suite,
      variants: suite.variants,
      adapter: suite.adapter,
      schemas: suite.schemas,
      faults: backend.faults,
      setFaults: (f) => backend.setFaults(f),
      async close() {
        await suite.close();
        await backend.close();
      },
    };
  } catch (err) {
    await backend.close();
    throw err;
  }
}

export const openK8sReferenceTarget = () => openReferenceTarget(targetNamed('k8s'));
export const openNovaReferenceTarget = () => openReferenceTarget(targetNamed('nova'));
