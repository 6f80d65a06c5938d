import { loadConfig, loadEnv } from '../engine/config/index.ts';
import { sweepK8s } from '../engine/targets/k8s/sweep.ts';
import { EXIT } from './exit-codes.ts';

/** Removes leftovers of earlier runs (objects with the run label and the uc- prefix only). */
export async function cleanupCommand(dryRun: boolean): Promise<number> {
  const config = loadConfig(loadEnv());
  let failed = 0;
  if (config.k8s) {
    const r = await sweepK8s(config.k8s, config.run.timeoutMs, undefined, dryRun);
    for (const f of r.found) process.stdout.write(`${dryRun ? 'would delete' : 'deleted'} ${f}\n`);
    for (const f of r.failed) process.stdout.write(`could not delete ${f}\n`);
    failed += r.failed.length;
    process.stdout.write(`k8s: ${r.found.length} leftover object(s)${dryRun ? ' (dry run)' : ''}\n`);
  }
  if (!config.k8s && !config.nova) process.stdout.write('no target configured: nothing to clean up\n');
  return failed ? EXIT.incomplete : EXIT.ok;
}
