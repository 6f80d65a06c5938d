/**
 * `run --generate` end to end, in-process through `main`: generated variants beside the curated ones, the seed
 * printed, recorded and replayed; under a fault for a syntax rule a generated run fails, shrinks the failure to a
 * case file, and that file, run as a curated case (`--cases`), fails the same way.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { dailySeed, parseGeneration } from '../engine/config/generation.ts';
import { ConfigError } from '../engine/errors.ts';
import { readReport, reportDir, runMain } from './support/run-cli.ts';

const GEN = 'k8s.pods.patch.gen-*,nova.servers.update.gen-*';

describe('generation settings', () => {
  test('a given seed, a daily one, a drawn one; bad values name the variable', () => {
    expect(parseGeneration({})).toBeUndefined();
    expect(parseGeneration({ CONFORMANCE_GENERATE: '3', CONFORMANCE_SEED: '42' })).toEqual({ perFamily: 3, seed: 42, seedFrom: 'given' });
    const day = new Date('2026-12-06T23:59:00Z');
    expect(parseGeneration({ CONFORMANCE_GENERATE: '1', CONFORMANCE_SEED: 'daily' }, day)).toEqual({ perFamily: 1, seed: 20261206, seedFrom: 'daily' });
    expect(dailySeed(day)).toBe(20261206);
    expect(parseGeneration({ CONFORMANCE_GENERATE: '2' })?.seedFrom).toBe('drawn');
    for (const env of [
      { CONFORMANCE_SEED: '1' },
      { CONFORMANCE_GENERATE: '0' },
      { CONFORMANCE_GENERATE: '2', CONFORMANCE_SEED: '-4' },
      { CONFORMANCE_GENERATE: '2', CONFORMANCE_SEED: '2147483648' },
    ]) {
      expect(() => parseGeneration(env)).toThrow(ConfigError);
    }
  });
});

describe('run --generate against the embedded reference backends', () => {
  test('without a seed one is drawn and printed; the same seed replays the same variants', async () => {
    const dir = reportDir('generate-drawn');
    const first = await runMain(['run', '--embedded', '--generate', '1', '--case', GEN], { CONFORMANCE_REPORT_DIR: dir });
    expect(first.code).toBe(0);
    const report = readReport(dir);
    const seed = report.generation?.seed;
    expect(report.generation?.seedFrom).toBe('drawn');
    expect(first.out.join('\n')).toContain(`--generate 1 --seed ${seed}`);
    expect(report.results.every((r) => r.generated?.seed === seed)).toBe(true);
    expect(readFileSync(`${dir}/summary.md`, 'utf8')).toContain(`seed ${seed}`);
    expect(readFileSync(`${dir}/junit.xml`, 'utf8')).toContain(`name="generate-seed" value="${seed}"`);
    expect(readFileSync(`${dir}/report.html`, 'utf8')).toContain('generated: k8s.label-value #0');
    const again = reportDir('generate-replay');
    await runMain(['run', '--embedded', '--generate', '1', '--seed', String(seed), '--case', GEN], { CONFORMANCE_REPORT_DIR: again });
    const requests = (d: string) => readReport(d).results.map((r) => [r.id, r.evidence.find((e) => e.role === 'update')?.request.body]);
    expect(requests(again)).toEqual(requests(dir));
  });

  test('next to the curated cases: both kinds run, only the generated ones are labelled', async () => {
    const dir = reportDir('generate-mixed');
    const run = await runMain(
      ['run', '--embedded', '--suite', 'k8s', '--generate', '1', '--seed', '5', '--case', 'k8s.pods.patch.labels-*,k8s.pods.patch.gen-*'],
      {
        CONFORMANCE_REPORT_DIR: dir,
      },
    );
    expect(run.code).toBe(0);
    const results = readReport(dir).results;
    expect(results.some((r) => r.generated)).toBe(true);
    expect(results.some((r) => !r.generated && r.caseId === 'k8s.pods.patch.labels-add')).toBe(true);
    expect(results.filter((r) => r.caseId.includes('.gen-')).every((r) => r.generated?.family.startsWith('k8s.'))).toBe(true);
  });

  test('under a fault for a syntax rule: the run fails, the failure is shrunk to a case file that fails the same way on its own', async () => {
    const dir = reportDir('generate-shrink');
    const faults = { NOVA_REFERENCE_FAULTS: 'lenient-hostname' };
    const run = await runMain(
      ['run', '--embedded', '--suite', 'nova', '--generate', '3', '--seed', '7', '--case', 'nova.servers.update.gen-hostname-invalid-*'],
      {
        CONFORMANCE_REPORT_DIR: dir,
        ...faults,
      },
    );
    expect(run.code).toBe(1);
    const report = readReport(dir);
    const [shrunk] = report.shrunk ?? [];
    expect(shrunk?.from).toMatch(/gen-hostname-invalid-\d+@/);
    const path = shrunk?.path as string;
    expect(run.out.join('\n')).toContain(path);
    expect(readFileSync(`${dir}/summary.md`, 'utf8')).toContain(path);
    const size = (v: unknown) => JSON.stringify((v as { value: string }).value).length;
    expect(size(shrunk?.minimal)).toBeLessThanOrEqual(size(shrunk?.original));
    const failed = report.results.find((r) => r.id === shrunk?.from);
    expect(failed?.shrunk).toBe(path);

    // The written file is an ordinary case file: run on its own, it fails with the same checks.
    const alone = reportDir('generate-shrunk-alone');
    const id = /- id: (\S+)/.exec(readFileSync(path, 'utf8'))?.[1] as string;
    const rerun = await runMain(['run', '--embedded', '--suite', 'nova', '--cases', path, '--case', id], { CONFORMANCE_REPORT_DIR: alone, ...faults });
    expect(rerun.code).toBe(1);
    const [result] = readReport(alone).results;
    expect(result?.verdict).toBe('fail');
    expect(result?.generated).toBeUndefined();
    const checks = (r: typeof result) => [...new Set(r?.failures.map((f) => f.check))];
    expect(checks(result)).toEqual(checks(failed));
    // Against the faithful backend the same case passes: it is the fault it catches.
    const faithful = await runMain(['run', '--embedded', '--suite', 'nova', '--cases', path, '--case', id], {
      CONFORMANCE_REPORT_DIR: reportDir('generate-shrunk-faithful'),
    });
    expect(faithful.code).toBe(0);
  });

  test('a seed without --generate, or a sharded generated run without a seed, is a configuration error', async () => {
    const noGen = await runMain(['run', '--embedded', '--seed', '4'], { CONFORMANCE_REPORT_DIR: reportDir('generate-bad') });
    expect(noGen.code).toBe(2);
    expect(noGen.err.join('\n')).toMatch(/--seed.*(CONFORMANCE_GENERATE|--generate)/);
    const sharded = await runMain(['run', '--embedded', '--generate', '1', '--shard', '1/2'], { CONFORMANCE_REPORT_DIR: reportDir('generate-bad') });
    expect(sharded.code).toBe(2);
    expect(sharded.err.join('\n')).toMatch(/CONFORMANCE_SEED.*same --seed/);
  });
});
