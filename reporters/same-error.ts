/**
 * A target that every variant fails the same technical way (the same setup step, the same answer) would repeat
 * that one error once per variant. From the first result on, the run watches for it: when the first
 * `SAME_ERROR_STREAK` variants to finish are all technical errors with the same explanation, the run stops
 * early with one error naming it and what the target answered. Any other result first ends the watch.
 */
import type { CaseResult } from '../engine/results.ts';

/** Variants in a row, from the start of the run, that must fail the same way before it stops. */
export const SAME_ERROR_STREAK = 10;

/** The explanation without what changes from variant to variant (names, ids, numbers), to compare two errors. */
export function errorSignature(reason: string): string {
  return reason
    .replace(/uc-[a-z0-9-]+/g, 'uc-…')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\d+(\.\d+)?\s*ms\b/g, '<ms>')
    .slice(0, 300);
}

export class SameErrorWatch {
  private signature: string | undefined;
  private count = 0;
  private over = false;

  /** `streak`: how many variants in a row it takes (at most the variants the run has). */
  constructor(private readonly streak: number) {}

  /** Feeds one finished variant; returns the run error when the streak is complete (once). */
  add(r: CaseResult): string | undefined {
    if (this.over) return undefined;
    const sig = r.verdict === 'error' ? errorSignature(r.reason ?? '') : undefined;
    if (sig === undefined || (this.signature !== undefined && sig !== this.signature)) {
      this.over = true;
      return undefined;
    }
    this.signature = sig;
    this.count++;
    if (this.count < this.streak) return undefined;
    this.over = true;
    return `stopped early: the first ${this.count} variants all failed the same technical way, so every variant would — ${r.reason}`;
  }
}
