import { createRequire } from 'node:module';
import type * as FastCheck from 'fast-check';

export type { Arbitrary } from 'fast-check';

/*
 * fast-check, loaded on first use. Every process of a run imports the target modules, whose generation specs
 * name it, but only `generate`, the benchmark's scale section and the property self-tests call it: loading it
 * up front cost each process about 30 ms of its start-up.
 */
const requireHere = createRequire(import.meta.url);
let loaded: typeof FastCheck | undefined;

export const fc: typeof FastCheck = new Proxy({} as typeof FastCheck, {
  get(_target, key) {
    loaded ??= requireHere('fast-check') as typeof FastCheck;
    return Reflect.get(loaded, key);
  },
});
