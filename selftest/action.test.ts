/**
 * action.yml run locally, step by step as the runner would: each step's `run` in bash with its `env:` (the
 * `${{ inputs.* }}`, `${{ github.action_path }}` and `${{ steps.*.outputs.* }}` expressions evaluated here),
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as files, in a workspace of its own. The install step (`npm ci`) is not
 * run: the checkout's node_modules is the action's. The outputs go to reports/action-outputs.txt.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { cleanEnv, ROOT } from './support/run-cli.ts';

interface Step {
  name: string;
  id?: string;
  if?: string;
  env?: Record<string, string>;
  run: string;
}
interface Action {
  inputs: Record<string, { default: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}
const action = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const transcript: string[] = [];
const TOKEN = 'action-k8s-token-0123456789abcdef';
let k8s: K8sReference;

beforeAll(async () => {
  k8s = await startK8sReference({ token: TOKEN });
});
afterAll(async () => {
  await k8s?.close();
  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  writeFileSync(join(ROOT, 'reports', 'action-outputs.txt'), `${transcript.join('\n')}\n`);
});

/** Runs the action's steps; returns its outputs (as `outputs:` maps them), the job summary and the failing step. */
async function runAction(inputs: Record<string, string>, env: Record<string, string>) {
  const work = mkdtempSync(join(tmpdir(), 'uc-action-'));
  const outputFile = join(work, 'github_output');
  const summaryFile = join(work, 'step_summary');
  writeFileSync(summaryFile, '');
  const values = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, inputs[k] ?? v.default]));
  const stepOutputs: Record<string, Record<string, string>> = {};
  const lookup = (e: string): string => {
    if (e === 'github.action_path') return ROOT;
    const input = /^inputs\.([\w-]+)$/.exec(e);
    if (input) return values[input[1] as string] ?? '';
    const out = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e);
    if (out) return stepOutputs[out[1] as string]?.[out[2] as string] ?? '';
    throw new Error(`expression not handled here: ${e}`);
  };
  const expr = (text: string) => text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, e: string) => lookup(e));
  // The only conditions action.yml uses: !cancelled() (true here) and comparisons joined by &&.
  const condition = (c: string | undefined) =>
    c === undefined ||
    c
      .replace(/^\$\{\{\s*|\s*\}\}$/g, '')
      .split('&&')
      .map((p) => p.trim())
      .every((p) => {
        if (p === '!cancelled()') return true;
        const m = /^(\S+) (==|!=) '([^']*)'$/.exec(p);
        if (!m) throw new Error(`condition not handled here: ${p}`);
        return m[2] === '==' ? lookup(m[1] as string) === m[3] : lookup(m[1] as string) !== m[3];
      });
  let failedStep: { name: string; code: number; out: string } | undefined;
  for (const step of action.runs.steps.slice(1)) {
    if (!condition(step.if)) continue;
    writeFileSync(outputFile, '');
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expr(v)]));
    // Async: the reference backend answers from this process meanwhile.
    const child = spawn('bash', ['-e', '-c', step.run], {
      cwd: work,
      env: { ...cleanEnv(env), ...stepEnv, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    const status = await new Promise<number>((res) => child.on('close', (code) => res(code ?? -1)));
    const r = { status, stdout: out, stderr: '' };
    if (step.id)
      stepOutputs[step.id] = Object.fromEntries(
        readFileSync(outputFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
    if (r.status !== 0) {
      failedStep = { name: step.name, code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
      break;
    }
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([k, v]) => [k, expr(v.value)]));
  const summary = readFileSync(summaryFile, 'utf8');
  rmSync(work, { recursive: true, force: true });
  return { outputs, summary, failedStep };
}

describe('action.yml', () => {
  test('is a composite action whose steps pass inputs as variables, not spliced into scripts', () => {
    expect(action.runs.using).toBe('composite');
    for (const s of action.runs.steps) expect(s.run, s.name).not.toMatch(/\$\{\{/);
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['suites', 'cases', 'tags', 'baseline', 'report-dir']));
  });

  test('a conformant run: outputs, the summary in the job summary, the step passes', async () => {
    const r = await runAction(
      { suites: 'k8s', cases: 'k8s.pods.patch.labels-*', 'report-formats': 'subunit' },
      { K8S_SERVER: k8s.url, K8S_TOKEN: TOKEN, K8S_NAMESPACE: 'default' },
    );
    transcript.push(
      '## conformant run (suites: k8s, cases: k8s.pods.patch.labels-*, report-formats: subunit)',
      ...Object.entries(r.outputs).map(([k, v]) => `${k}=${v}`),
      '',
    );
    expect(r.failedStep).toBeUndefined();
    expect(r.outputs).toMatchObject({
      verdict: 'conformant',
      'exit-code': '0',
      failed: '0',
      errors: '0',
      'results-json': 'reports/results.json',
      'summary-md': 'reports/summary.md',
      'verdict-json': 'reports/verdict.json',
      subunit: 'reports/results.subunit',
    });
    expect(Number(r.outputs.passed)).toBeGreaterThan(5);
    // A --case run is partial (issue 22): the verdict and exit code stay, the scope says how much ran.
    expect(r.outputs.partial).toBe('true');
    expect(r.outputs.scope).toMatch(/^partial: \d+ of \d+ variants \(cases k8s\.pods\.patch\.labels-\*\)$/);
    expect(r.summary).toMatch(/^# update-conformance: ◐ partial: \d+ of \d+ variants \(cases k8s\.pods\.patch\.labels-\*\) — conformant/);
  });

  test('failures: verdict non-conformant, counts, and the gate step fails with exit code 1', async () => {
    k8s.setFaults(['drop-allowed-change']);
    let r: Awaited<ReturnType<typeof runAction>>;
    try {
      r = await runAction(
        { cases: 'k8s.pods.patch.labels-*', 'report-dir': 'out/conformance' },
        { K8S_SERVER: k8s.url, K8S_TOKEN: TOKEN, K8S_NAMESPACE: 'default' },
      );
    } finally {
      k8s.setFaults([]);
    }
    transcript.push(
      '## failing target (cases: k8s.pods.patch.labels-*, report-dir: out/conformance)',
      ...Object.entries(r.outputs).map(([k, v]) => `${k}=${v}`),
      `gate: ${r.failedStep?.name} exit ${r.failedStep?.code}: ${r.failedStep?.out.trim()}`,
      '',
    );
    expect(r.outputs).toMatchObject({ verdict: 'non-conformant', 'exit-code': '1', 'junit-xml': 'out/conformance/junit.xml', subunit: '' });
    expect(Number(r.outputs.failed)).toBeGreaterThan(0);
    expect(r.failedStep).toMatchObject({ name: 'gate', code: 1 });
    expect(r.failedStep?.out).toContain(
      `::error title=update-conformance::partial: 9 of 342 variants (cases k8s.pods.patch.labels-*) — non-conformant (${r.outputs.failed} failed) (exit 1)`,
    );
    expect(r.summary).toContain('## Failures and errors');
  });

  test('fail-on-verdict false never fails the job; a configuration error still gives outputs', async () => {
    const r = await runAction({ cases: 'no-such-case', 'fail-on-verdict': 'false' }, {});
    transcript.push('## configuration error (cases: no-such-case, fail-on-verdict: false)', ...Object.entries(r.outputs).map(([k, v]) => `${k}=${v}`), '');
    expect(r.failedStep).toBeUndefined();
    expect(r.outputs).toMatchObject({ verdict: 'configuration-error', 'exit-code': '2', 'results-json': '' });
    expect(r.summary).toContain('no run: configuration or usage error (exit 2)');
  });
});
