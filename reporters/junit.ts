/**
 * JUnit XML from a RunReport (not from vitest's tasks), so a single run and a `merge` of shards write the
 * same file: <testsuites> → one <testsuite> per conformance suite → one <testcase> per variant
 * (classname = suite, name = variant id), with <failure> for fail, <error> for error, <skipped> for skip, and
 * <properties> case-id, source, doc-conflict, verdict, baselined. A failure the baseline excuses is reported
 * as <skipped> ("known deviation"), so CI test views agree with the gate; its verdict property stays "fail".
 * Problems outside any case (run errors, baseline problems) become test cases of a suite "update-conformance".
 * Times are wall time: the variants run concurrently, so <testsuites time> is the run's start to finish and a
 * suite's never more than that (the sum of its variants' times would be several times the run).
 */
import { type CaseResult, explain } from '../engine/results.ts';
import { describeScope } from '../engine/scope.ts';
import { generatedLabel } from './generation.ts';
import { attemptsText } from './history.ts';
import { bySuite, type RunReport, sortResults } from './model.ts';
import { judge } from './verdict.ts';

// XML 1.0 allows tab, LF, CR and everything from U+0020 except the surrogates and U+FFFE/U+FFFF.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for element content. */
export function xmlText(value: string): string {
  return value.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes text for a double-quoted attribute (newlines and tabs kept as character references). */
export function xmlAttr(value: string): string {
  return xmlText(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

function property(name: string, value: string): string {
  return `<property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`;
}

/** Longest body kept in a JUnit failure (the whole exchange is in results.json and report.html). */
const MAX_BODY = 4000;

/**
 * The full explanation of a failure, for the element body: every failed check (expected vs received), the
 * redacted update request and response, the before→after diff, the source and any document conflict.
 */
function failureDetails(r: CaseResult): string {
  const lines = r.failures.map((f) => `[${f.check}] ${f.title}${f.pointer ? ` at ${f.pointer}` : ''}: expected ${f.expected}, received ${f.received}`);
  const update = r.evidence.find((e) => (e.role ?? 'update') === 'update');
  if (update) {
    const cut = (body: string | undefined) => (body && body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}… (cut; whole in results.json)` : (body ?? ''));
    const headers = (h: Record<string, string>) => Object.entries(h).map(([k, v]) => `${k}: ${v}`);
    lines.push(
      '',
      `update request (secrets redacted): ${update.request.method} ${update.request.url}`,
      ...headers(update.request.headers),
      cut(update.request.body),
      '',
      `update response: HTTP ${update.response.status}`,
      ...headers(update.response.headers),
      cut(update.response.body),
    );
  }
  if (r.diff?.length) lines.push('', 'before → after:', ...r.diff.map((op) => `${op.op} ${op.path}${'value' in op ? ` = ${JSON.stringify(op.value)}` : ''}`));
  lines.push('', `source: ${r.source.join('; ')}`);
  if (r.docConflict)
    lines.push(`doc conflict: document says ${r.docConflict.docSays}; upstream: ${r.docConflict.upstream} (followed: ${r.docConflict.followed})`);
  return lines.join('\n');
}

function testcase(r: CaseResult, indent: string): string {
  const props = [property('case-id', r.caseId), property('source', r.source.join('; '))];
  if (r.docConflict) props.push(property('doc-conflict', `document says ${r.docConflict.docSays}; upstream: ${r.docConflict.upstream}`));
  if (r.expectation) props.push(property('expectation', r.expectation));
  for (const note of r.notes ?? []) props.push(property('note', note));
  if (r.generated) props.push(property('generated', generatedLabel(r)));
  if (r.shrunk) props.push(property('shrunk-case', r.shrunk));
  props.push(property('verdict', r.verdict));
  if (r.baselined) props.push(property('baselined', r.baselined));
  if (r.flaky) props.push(property('flaky', `counted as ${r.verdict}: ${r.flaky}`));
  const attempts = attemptsText(r);
  if (attempts) props.push(property('attempts', attempts));
  const inner = [`${indent}  <properties>`, ...props.map((p) => `${indent}    ${p}`), `${indent}  </properties>`];
  // Earlier attempts that errored, as Maven Surefire writes a rerun test's: flakyError when a later attempt decided, rerunError when none did.
  const tag = r.verdict === 'error' ? 'rerunError' : 'flakyError';
  for (const a of r.attempts?.slice(0, -1) ?? []) {
    if (a.verdict === 'error') inner.push(`${indent}  <${tag} message="${xmlAttr(`attempt ${a.attempt}: ${a.reason ?? 'error'}`)}" type="error"/>`);
  }
  if (r.verdict === 'fail' && r.baselined) {
    inner.push(`${indent}  <skipped message="${xmlAttr(`known deviation (baseline): ${r.baselined} — ${explain(r)}`)}"/>`);
  } else if (r.verdict === 'fail') {
    const type = r.failures[0]?.check ?? 'fail';
    inner.push(`${indent}  <failure message="${xmlAttr(explain(r))}" type="${xmlAttr(type)}">${xmlText(failureDetails(r))}</failure>`);
  } else if (r.verdict === 'error') {
    inner.push(`${indent}  <error message="${xmlAttr(explain(r))}" type="error"/>`);
  } else if (r.verdict === 'skip') {
    inner.push(`${indent}  <skipped message="${xmlAttr(explain(r))}"/>`);
  }
  return [`${indent}<testcase classname="${xmlAttr(r.suite)}" name="${xmlAttr(r.id)}" time="${seconds(r.durationMs)}">`, ...inner, `${indent}</testcase>`].join(
    '\n',
  );
}

interface Tally {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

function tally(results: CaseResult[]): Tally {
  const t: Tally = { tests: results.length, failures: 0, errors: 0, skipped: 0, ms: 0 };
  for (const r of results) {
    t.ms += r.durationMs;
    if (r.verdict === 'fail' && !r.baselined) t.failures++;
    else if (r.verdict === 'error') t.errors++;
    else if (r.verdict === 'skip' || (r.verdict === 'fail' && r.baselined)) t.skipped++;
  }
  return t;
}

const counts = (t: Tally) => `tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="${t.skipped}" time="${seconds(t.ms)}"`;

export function renderJunit(report: RunReport): string {
  const suites: string[] = [];
  const total: Tally = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
  const add = (t: Tally) => {
    total.tests += t.tests;
    total.failures += t.failures;
    total.errors += t.errors;
    total.skipped += t.skipped;
    total.ms += t.ms;
  };
  const { headline } = judge(report);
  const wallMs = Math.max(0, Date.parse(report.finishedAt) - Date.parse(report.startedAt)) || 0;
  for (const [suite, results] of bySuite(sortResults(report.results))) {
    const t = tally(results);
    t.ms = Math.min(t.ms, wallMs);
    add(t);
    const target = report.targets.find((x) => x.suite === suite);
    const props = [property('run-id', report.runId), property('tool-version', report.tool.version), property('verdict', headline)];
    const kind = target?.kind ?? report.target?.kind;
    if (kind) props.push(property('target-kind', kind));
    if (report.scope) {
      const c = report.scope.suites[suite];
      props.push(property('scope', describeScope(report.scope) ?? `complete: ${report.scope.selected} of ${report.scope.available} variants`));
      if (c) props.push(property('scope-suite', `${c.selected} of ${c.available ?? '?'} variants`));
    }
    if (report.generation)
      props.push(property('generate-seed', String(report.generation.seed)), property('generate-per-family', String(report.generation.perFamily)));
    if (target) props.push(property('target', target.url), property('target-version', target.version));
    if (target?.insecure) props.push(property('tls-verification', 'disabled'));
    suites.push(
      [
        `  <testsuite name="${xmlAttr(suite)}" timestamp="${xmlAttr(report.startedAt)}" ${counts(t)}>`,
        '    <properties>',
        ...props.map((p) => `      ${p}`),
        '    </properties>',
        ...results.map((r) => testcase(r, '    ')),
        '  </testsuite>',
      ].join('\n'),
    );
  }
  const problems: { name: string; kind: 'error' | 'failure'; message: string }[] = [
    ...report.runErrors.map((message, i) => ({ name: `run error ${i + 1}`, kind: 'error' as const, message })),
    ...(report.baselineProblems ?? []).map((message, i) => ({ name: `baseline problem ${i + 1}`, kind: 'failure' as const, message })),
  ];
  if (report.interrupted) problems.unshift({ name: 'interrupted', kind: 'error', message: 'the run was interrupted: results are partial' });
  for (const suite of report.notRun ?? []) problems.push({ name: `not run: ${suite}`, kind: 'error', message: `${suite} did not run (interrupted)` });
  // An empty run must not read as a clean one in a CI test view.
  if (report.results.length === 0 && !report.interrupted) problems.unshift({ name: 'no case ran', kind: 'error', message: headline });
  if (problems.length) {
    const t: Tally = {
      tests: problems.length,
      failures: problems.filter((p) => p.kind === 'failure').length,
      errors: problems.filter((p) => p.kind === 'error').length,
      skipped: 0,
      ms: 0,
    };
    add(t);
    suites.push(
      [
        `  <testsuite name="update-conformance" timestamp="${xmlAttr(report.startedAt)}" ${counts(t)}>`,
        ...problems.map((p) =>
          [
            `    <testcase classname="update-conformance" name="${xmlAttr(p.name)}" time="0.000">`,
            `      <${p.kind} message="${xmlAttr(p.message)}" type="${p.kind === 'error' ? 'run-error' : 'baseline'}"/>`,
            '    </testcase>',
          ].join('\n'),
        ),
        '  </testsuite>',
      ].join('\n'),
    );
  }
  total.ms = wallMs;
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="update-conformance" ${counts(total)}>`, ...suites, '</testsuites>', ''].join('\n');
}
