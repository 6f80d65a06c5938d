import { type Env, loadConfig } from '../engine/config/index.ts';
import { EXIT } from '../engine/exit-codes.ts';
import { TARGETS } from '../engine/targets/index.ts';

/** Removes leftovers of earlier runs (only objects the tool marks as its own). */
export async function cleanupCommand(env: Env, dryRun: boolean, out: (line: string) => void): Promise<number> {
  const config = loadConfig(env);
  let failed = 0;
  let configured = 0;
  for (const t of TARGETS) {
    const cfg = config.targets[t.name];
    if (cfg === undefined) continue;
    configured++;
    const r = await t.sweep(cfg, config.run, undefined, dryRun);
    for (const f of r.found) out(`${dryRun ? t.sweepWords.dryRun : t.sweepWords.done} ${f}`);
    for (const f of r.failed) out(`${t.sweepWords.failed} ${f}`);
    failed += r.failed.length;
    out(`${t.name}: ${r.found.length} leftover(s)${dryRun ? ' (dry run)' : ''}`);
  }
  if (!configured) out('no target configured: nothing to clean up');
  return failed ? EXIT.incomplete : EXIT.ok;
}
