import type { Exchange } from '../http/exchange.ts';

/**
 * Every request the run sends about each subject (a leased server), in the order sent, from all of the run's
 * clients. A read is still the subject's state while it is the last request sent about that subject: together
 * with the lease (engine/lifecycle/pool.ts: one case at a time per subject) that proves nothing of the run touched
 * the subject since, which is what lets the GET after of one case stand for the GET before of the next. Anything
 * the ledger did not see (another tool, an operator) is what leasing a server to the run excludes.
 */
export class SubjectLedger {
  private sequence = 0;
  private readonly lastSent = new Map<string, number>();
  private readonly readNumber = new WeakMap<Exchange, { subject: string; n: number }>();

  /** Records a request about `subject` as it is sent; returns its number. */
  sent(subject: string): number {
    const n = ++this.sequence;
    this.lastSent.set(subject, n);
    return n;
  }

  /** Records that `ex` answered the read numbered `n` about `subject`. */
  answered(subject: string, n: number, ex: Exchange): void {
    this.readNumber.set(ex, { subject, n });
  }

  /** Whether `ex` is a read of `subject` and no request about `subject` was sent after it. */
  isLatest(subject: string, ex: Exchange): boolean {
    const read = this.readNumber.get(ex);
    return read !== undefined && read.subject === subject && this.lastSent.get(subject) === read.n;
  }
}
