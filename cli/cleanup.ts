import { loadConfig, loadEnv } from '../engine/config/index.ts';
import { sweepK8s } from '../engine/targets/k8s/sweep.ts';
import { sweepNova } from '../engine/targets/nova/sweep.ts';
import { EXIT } from './exit-codes.ts';

/** Removes leftovers of earlier runs (objects with the run label and the uc- prefix only). */
export async function cleanupCommand(dryRun: boolean, out: (line: string) => void): Promise<number> {
  const config = loadConfig(loadEnv());
  let failed = 0;
  if (config.k8s) {
    const r = await sweepK8s(config.k8s, config.run.timeoutMs, undefined, dryRun);
    for (const f of r.found) out(`${dryRun ? 'would delete' : 'deleted'} ${f}`);
    for (const f of r.failed) out(`could not delete ${f}`);
    failed += r.failed.length;
    out(`k8s: ${r.found.length} leftover object(s)${dryRun ? ' (dry run)' : ''}`);
  }
  if (config.nova) {
    const r = await sweepNova(config, dryRun);
    for (const f of r.found) out(`${dryRun ? 'would undo' : 'undone'}: ${f}`);
    for (const f of r.failed) out(`could not undo ${f}`);
    failed += r.failed.length;
    out(`nova: ${r.found.length} leftover(s)${dryRun ? ' (dry run)' : ''}`);
  }
  if (!config.k8s && !config.nova) out('no target configured: nothing to clean up');
  return failed ? EXIT.incomplete : EXIT.ok;
}
