/** A fixed set of resources leased one case at a time, so concurrent cases never share a subject. */
export class Pool<T> {
  private readonly free: T[];
  private readonly waiting: { take: (item: T) => void; preference?: (item: T) => number }[] = [];

  constructor(items: T[]) {
    this.free = [...items];
  }

  get size(): number {
    return this.free.length;
  }

  /** A free item (the first with the highest `preference`, when given), or the next one given back. */
  lease(preference?: (item: T) => number): Promise<T> {
    let at = 0;
    if (preference) {
      let best = Number.NEGATIVE_INFINITY;
      this.free.forEach((item, i) => {
        const p = preference(item);
        if (p > best) [best, at] = [p, i];
      });
    }
    const [item] = this.free.splice(at, 1);
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((take) => this.waiting.push({ take, preference }));
  }

  /** Hands the item to the longest-waiting lease that prefers it most, or keeps it free. */
  giveBack(item: T): void {
    let at = -1;
    let best = Number.NEGATIVE_INFINITY;
    this.waiting.forEach((w, i) => {
      const p = w.preference?.(item) ?? 0;
      if (p > best) [best, at] = [p, i];
    });
    const [next] = at < 0 ? [] : this.waiting.splice(at, 1);
    if (next) next.take(item);
    else this.free.push(item);
  }
}
