import type { SuiteCoverage } from '../engine/coverage/coverage.ts';
import type { Evidence } from '../engine/http/redact.ts';
import type { CaseResult } from '../engine/results.ts';
import { describeSupersedes, explain, showPointer } from '../engine/results.ts';
import { describeScope } from '../engine/scope.ts';
import { compareVersions } from '../engine/versions.ts';
import { generatedLabel, generationLines } from './generation.ts';
import { attemptsText, flakyLines, historyLines, trendSvg } from './history.ts';
import {
  bySuite,
  type Counts,
  caseCount,
  countVerdicts,
  coverageMatrix,
  docConflictCases,
  microversionMatrix,
  type RunReport,
  releaseNotices,
  sortResults,
} from './model.ts';
import { groupFailures } from './patterns.ts';
import { sourceLink } from './sources.ts';
import { judge } from './verdict.ts';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;padding:0 20px;box-sizing:border-box;max-width:1240px;color:#1b1f24}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
table{border-collapse:collapse;margin:8px 0} td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa} .num{text-align:right}
.pass{color:#1a7f37}.fail{color:#cf222e}.error{color:#9a6700}.skip{color:#57606a}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-weight:600;color:#fff}
.b-pass{background:#1a7f37}.b-fail{background:#cf222e}.b-error{background:#bf8700}.b-skip{background:#6e7781}
details{border:1px solid #d0d7de;border-radius:6px;margin:4px 0;padding:4px 8px} summary{cursor:pointer}
pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:360px;font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere}
td{overflow-wrap:anywhere} code{overflow-wrap:anywhere}
th{white-space:nowrap} .wide{overflow-x:auto;max-width:100%}
.pic td{padding:2px 4px} .pic td.f{white-space:nowrap;font-size:12px} .pic th{font-size:12px;font-weight:600}
.mv td,.mv th{padding:3px 5px;font-size:12px;white-space:nowrap} .note{color:#57606a;font-size:13px;margin:2px 0 6px}
a.v{display:inline-block;width:9px;height:9px;margin:1px;border-radius:2px;vertical-align:middle}
a.v-pass{background:#2da44e}a.v-fail{background:#cf222e}a.v-error{background:#d4a72c}a.v-skip{background:#d0d7de}
.group{margin:6px 0} .group ul{margin:2px 0 6px}
.conflict{background:#fff8c5;padding:4px 8px;border-left:3px solid #d4a72c;margin:4px 0}
.cell-bad{background:#ffebe9}.cell-ok{background:#dafbe1}
.b-flaky{background:#8250df} .trend{margin:2px 12px 8px 0;vertical-align:top}
.diff-add{color:#1a7f37}.diff-remove{color:#cf222e}.diff-replace{color:#0550ae}
.diff-add,.diff-remove,.diff-replace,p,li,summary{overflow-wrap:anywhere}
`;

function cell(c: Counts): string {
  if (c.total === 0) return '<td class="num" title="no case of this field at this microversion"></td>';
  const cls = c.fail > 0 ? 'cell-bad' : c.error > 0 ? '' : 'cell-ok';
  const parts = [`<span class="pass">${c.pass}✓</span>`];
  if (c.fail) parts.push(`<span class="fail">${c.fail}✗</span>`);
  if (c.error) parts.push(`<span class="error">${c.error}!</span>`);
  if (c.skip) parts.push(`<span class="skip">${c.skip}–</span>`);
  return `<td class="num ${cls}">${parts.join(' ')}</td>`;
}

/** JSON bodies indented for reading; anything else as it came. */
function pretty(body: string | undefined): string {
  if (!body) return '';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** One exchange of the evidence: the request, then the response. */
function exchangeHtml(e: Evidence): string {
  return (
    `<pre>${esc(
      `${e.role ? `[${e.role}] ` : ''}${e.reused ? `(not sent again: ${e.reused})\n` : ''}${e.request.method} ${e.request.url}\n${Object.entries(
        e.request.headers,
      )
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n\n${pretty(e.request.body)}`,
    )}</pre>` +
    `<pre>${esc(
      `HTTP ${e.response.status} (${e.elapsedMs} ms)\n${Object.entries(e.response.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n\n${pretty(e.response.body)}`,
    )}</pre>`
  );
}

/** A retried variant's earlier attempts, each with its reason, its wait and its exchanges. */
function attemptsHtml(r: CaseResult): string {
  const earlier = r.attempts?.slice(0, -1) ?? [];
  if (!earlier.length) return '';
  const items = earlier
    .map(
      (a) =>
        `<details><summary>attempt ${a.attempt}: <span class="badge b-${a.verdict}">${a.verdict}</span> ${esc(a.reason ?? '')}${a.waitedMs !== undefined ? ` · waited ${a.waitedMs} ms` : ''}</summary>${a.evidence.map(exchangeHtml).join('')}</details>`,
    )
    .join('');
  return `<h4>Attempts (${esc(attemptsText(r) ?? '')})</h4>${items}`;
}

function caseSection(r: CaseResult): string {
  const open = r.verdict === 'fail' || r.verdict === 'error' || r.flaky ? ' open' : '';
  const rows = r.failures
    .map(
      (f) =>
        `<tr><td>${esc(f.check)}</td><td>${esc(f.title)}</td><td><code>${esc(f.pointer ? showPointer(f.pointer) : '')}</code></td><td>${esc(f.expected)}</td><td>${esc(f.received)}</td></tr>`,
    )
    .join('');
  const diff = (r.diff ?? [])
    .map(
      (op) =>
        `<div class="diff-${esc(op.op)}">${esc(op.op)} <code>${esc(showPointer(op.path))}</code>${'value' in op ? ` = ${esc(JSON.stringify(op.value)).slice(0, 300)}` : ''}</div>`,
    )
    .join('');
  // The update under assertion first, then the reads around it, then setup: the first exchange is the one that matters.
  const ROLE_ORDER = ['update', 'after', 'before', 'setup'];
  const [first = '', ...rest] = [...r.evidence]
    .sort((a, b) => ROLE_ORDER.indexOf(a.role ?? 'update') - ROLE_ORDER.indexOf(b.role ?? 'update'))
    .map(exchangeHtml);
  return `<details id="${esc(r.id)}"${open}><summary><span class="badge b-${r.verdict}">${r.verdict}</span>${r.flaky ? ' <span class="badge b-flaky">flaky</span>' : ''} <code>${esc(r.id)}</code> — ${esc(r.title)}</summary>
${r.flaky ? `<p><strong>Flaky</strong>, counted as ${esc(r.verdict)}: ${esc(r.flaky)}</p>` : ''}
<p>${esc(r.kind)} · fields: ${esc(r.fields.join(', '))} · tags: ${esc(r.tags.join(', '))} · ${r.requests} requests · ${r.durationMs} ms${r.inferred ? ' · <em>expectation inferred</em>' : ''}${r.confirmed ? ` · confirmed: ${esc(r.confirmed)}` : ''}</p>
${r.verdict !== 'pass' ? `<p><strong>${esc(explain(r))}</strong></p>` : ''}
${r.baselined ? `<p><em>Known deviation (baseline): ${esc(r.baselined)}</em></p>` : ''}
${r.generated ? `<p><em>${esc(generatedLabel(r))}</em>${r.shrunk ? ` · shrunk counterexample: <code>${esc(r.shrunk)}</code>` : ''}</p>` : ''}
${r.expectation ? `<p><em>Expectation of this upstream release: ${esc(r.expectation)}</em></p>` : ''}
${(r.notes ?? []).map((n) => `<p class="note"><strong>Note:</strong> ${esc(n)}</p>`).join('')}
${r.docConflict ? `<div class="conflict"><strong>Document vs upstream:</strong> the document says ${esc(r.docConflict.docSays)}; upstream: ${esc(r.docConflict.upstream)} (expectation follows ${esc(r.docConflict.followed)})</div>` : ''}
<p>Source: ${r.source.map(sourceHtml).join('; ')}</p>
${r.supersedes ? `<p>Upstream programme: ${esc(describeSupersedes(r.supersedes))}</p>` : ''}
${rows ? `<table><tr><th>check</th><th>failure</th><th>pointer</th><th>expected</th><th>received</th></tr>${rows}</table>` : ''}
${r.leaks?.length ? `<p class="fail">Leaked: ${esc(r.leaks.join('; '))}</p>` : ''}
${first ? `<h4>Evidence (secrets redacted): the update</h4>${first}` : ''}
${diff ? `<h4>Before → after</h4>${diff}` : ''}
${rest.length ? `<h4>The reads around it, then setup</h4>${rest.join('')}` : ''}
${attemptsHtml(r)}
</details>`;
}

/** Every failed or errored variant, grouped by what went wrong (largest group first), each a link to its case. */
function failureIndex(results: CaseResult[]): string {
  const groups = groupFailures(results);
  if (groups.length === 0) return '';
  const total = groups.reduce((n, g) => n + g.results.length, 0);
  const body = groups
    .map((g) => {
      const items = g.results
        .map(
          (r) =>
            `<li><span class="badge b-${r.verdict}">${r.verdict}</span> <a href="#${esc(r.id)}"><code>${esc(r.id)}</code></a> ${esc(explain(r))}${r.baselined ? ' <em>(baselined)</em>' : ''}</li>`,
        )
        .join('');
      const cases = new Set(g.results.map((r) => r.caseId)).size;
      return `<details class="group"${groups.length <= 3 ? ' open' : ''}><summary><strong>${esc(g.pattern)}</strong>: ${g.results.length} variant(s) of ${cases} case(s)</summary><ul>${items}</ul></details>`;
    })
    .join('');
  return `<h2>What went wrong (${total} variants)</h2><div id="failures">${body}</div>`;
}

/** A source as a link to its public permalink (reporters/sources.ts), or as text when it has none. */
function sourceHtml(source: string): string {
  const { label, url } = sourceLink(source);
  return url ? `<a href="${esc(url)}" title="${esc(source)}">${esc(label)}</a>` : `<code>${esc(label)}</code>`;
}

/**
 * The picture: per suite, fields × variant axis (patch type, microversion), one small square per variant
 * coloured by verdict, each a link to its case — where a target diverges shows at a glance.
 */
function picture(results: CaseResult[]): string {
  const parts: string[] = [];
  for (const [suite, list] of bySuite(results)) {
    const columns = [...new Set(list.map((r) => r.variant ?? ONCE))].sort(compareColumns);
    const rows = new Map<string, Map<string, CaseResult[]>>();
    for (const r of list) {
      for (const f of r.fields) {
        const row = rows.get(f) ?? new Map<string, CaseResult[]>();
        row.set(r.variant ?? ONCE, [...(row.get(r.variant ?? ONCE) ?? []), r]);
        rows.set(f, row);
      }
    }
    const head = `<tr><th>field</th>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
    const body = [...rows]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([field, row]) =>
          `<tr><td class="f">${esc(field)}</td>${columns
            .map(
              (c) =>
                `<td>${(row.get(c) ?? [])
                  .map(
                    (r) =>
                      `<a class="v v-${r.verdict}" href="#${esc(r.id)}" title="${esc(`${r.id}: ${r.verdict}${r.verdict === 'pass' ? '' : ` — ${explain(r)}`}`)}"></a>`,
                  )
                  .join('')}</td>`,
            )
            .join('')}</tr>`,
      )
      .join('');
    const notes = [
      columns.includes(ONCE) ? `“${ONCE}”: cases sent once, not per ${columns.some((c) => /^\d+\.\d+$/.test(c)) ? 'microversion' : 'patch type'}` : '',
      columns.includes('unsupported') ? '“unsupported”: the request names a microversion the target does not support (it must refuse it)' : '',
    ].filter(Boolean);
    parts.push(
      `<h3>${esc(suite)}</h3>${notes.length ? `<p class="note">Columns: the variants; ${esc(notes.join('; '))}.</p>` : ''}<div class="wide"><table class="pic" id="picture-${esc(suite)}">${head}${body}</table></div>`,
    );
  }
  return parts.length ? `<h2>At a glance: one square per variant (green passed, red failed, amber error, grey skipped)</h2>${parts.join('')}` : '';
}

/** The picture's column of cases that have no variants (sent once): named, not a dash the legend uses for "skipped". */
const ONCE = 'once';

/** Microversions in numeric order, other variant names (patch types) as they come, the cases sent once last. */
function compareColumns(a: string, b: string): number {
  const mv = (x: string) => /^\d+\.\d+$/.test(x);
  if (mv(a) && mv(b)) return compareVersions(a, b);
  if (a === ONCE || b === ONCE) return a === ONCE ? 1 : -1;
  return 0;
}

/** Retries, flaky variants, changes since the previous run and the trend picture per suite (with a history). */
function historyHtml(report: RunReport): string {
  const lines = historyLines(report);
  const trend = Object.entries(report.history?.trend ?? {})
    .map(([suite, points]) => `<div style="display:inline-block;margin-right:28px"><div><code>${esc(suite)}</code></div>${trendSvg(suite, points)}</div>`)
    .join('');
  if (!lines.length && !trend) return '';
  const flaky = flakyLines(report.results);
  const changes = report.history?.changes;
  const list = (title: string, ids: string[] | undefined) =>
    ids?.length ? `<p>${esc(title)}: ${ids.map((id) => `<a href="#${esc(id)}"><code>${esc(id)}</code></a>`).join(', ')}</p>` : '';
  return `<h2 id="history">Retries, flaky verdicts and changes since the previous run</h2>
<p>${esc(lines.filter((l) => !/^\s/.test(l)).join(' '))}</p>
${list('New failures', changes?.newFailures)}${list('Fixed', changes?.fixed)}
${flaky.length ? `<ul>${flaky.map((l) => `<li><span class="badge b-flaky">flaky</span> ${esc(l)}</li>`).join('')}</ul>` : ''}
${trend ? `<p>Trend of the last runs, this one rightmost (green passed, red failed, amber errors, grey skipped; the number under a bar is its failures; a violet dot marks flaky variants):</p>${trend}` : ''}`;
}

/** What the run covered: a partial run says how much of what the target can run, and what narrowed it. */
function scopeLine(report: RunReport): string {
  const s = report.scope;
  if (!s) return '';
  const partial = describeScope(s);
  return partial
    ? `<p class="error"><strong>${esc(partial)}</strong> — this report covers only those variants, not the whole API.</p>`
    : `<p>Scope: complete — all ${s.available} variants the target can run.</p>`;
}

/** The coverage table of report.html: counts per suite, then every uncovered rule and field with its reason. */
function coverageHtml(coverage: SuiteCoverage[] | undefined): string {
  if (!coverage?.length) return '';
  const rows = coverage
    .map((c) =>
      c.inventory
        ? `<tr><td>${esc(c.suite)}</td><td>${c.rules.covered}/${c.rules.total}</td><td>${c.fields.covered}/${c.fields.total}</td></tr>`
        : `<tr><td>${esc(c.suite)}</td><td colspan="2">no upstream rule inventory yet</td></tr>`,
    )
    .join('');
  const uncovered = coverage
    .map((c) => {
      const items = [...c.rules.uncovered.map((u) => ['rule', u] as const), ...c.fields.uncovered.map((u) => ['field', u] as const)]
        .map(([kind, u]) => `<tr><td>${kind}</td><td><code>${esc(u.name)}</code></td><td>${esc(u.reason ?? 'no case, no reason given')}</td></tr>`)
        .join('');
      const problems = c.problems.map((p) => `<li class="fail">${esc(p)}</li>`).join('');
      return `${items ? `<details><summary>${esc(c.suite)}: ${c.rules.uncovered.length + c.fields.uncovered.length} uncovered</summary><table><tr><th></th><th>uncovered</th><th>reason</th></tr>${items}</table></details>` : ''}${problems ? `<ul>${problems}</ul>` : ''}`;
    })
    .join('');
  return `<h2>Coverage: upstream rules and fields</h2><table id="upstream-coverage"><tr><th>suite</th><th>rules covered</th><th>fields covered</th></tr>${rows}</table>${uncovered}`;
}

/** A self-contained page: header, coverage matrix (field × allowed/forbidden × verdict), then every case. */
export function renderHtml(report: RunReport): string {
  const results = sortResults(report.results);
  const all = countVerdicts(results);
  const { verdict, headline, partial } = judge(report);
  const targets = report.targets
    .map(
      (t) =>
        `<li><strong>${esc(t.suite)}</strong>: ${esc(t.url)} — ${esc(t.version)} ${Object.entries(t.details)
          .map(([k, v]) => `· ${esc(k)}: ${esc(v)}`)
          .join(' ')}${t.insecure ? ' <strong class="fail">· TLS verification DISABLED</strong>' : ''}</li>`,
    )
    .join('');
  const matrix = coverageMatrix(results)
    .map((row) => `<tr><td>${esc(row.field)}</td>${cell(row.allowed)}${cell(row.forbidden)}</tr>`)
    .join('');
  const conflicts = docConflictCases(results).length;
  const n = caseCount(results);
  const mv = microversionMatrix(results);
  const empty: Counts = { pass: 0, fail: 0, error: 0, skip: 0, total: 0 };
  const mvTable = mv.versions.length
    ? `<h2>Compute: field × microversion</h2><p class="note">Variants per field at each microversion: ✓ passed · ✗ failed · ! technical error · – skipped; an empty cell: no case of that field at that microversion.</p><div class="wide"><table id="microversions" class="mv"><tr><th>field</th>${mv.versions.map((v) => `<th>${esc(v)}</th>`).join('')}</tr>${mv.rows
        .map((row) => `<tr><td>${esc(row.field)}</td>${mv.versions.map((v) => cell(row.cells.get(v) ?? empty)).join('')}</tr>`)
        .join('')}</table></div>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>update-conformance ${esc(report.runId)}: ${esc(headline)}</title><style>${STYLE}</style></head><body>
<h1>update-conformance: <span class="${verdict === 'non-conformant' ? 'fail' : verdict === 'conformant' && !partial ? 'pass' : 'error'}">${esc(headline)}</span></h1>
<p>Run <code>${esc(report.runId)}</code> · ${esc(report.startedAt)} → ${esc(report.finishedAt)} · ${esc(report.tool.name)} ${esc(report.tool.version)}${report.interrupted ? ' · <strong class="error">interrupted: partial results</strong>' : ''}</p>
${generationLines(report)
  .map((l) => `<p>${esc(l)}</p>`)
  .join('')}
${releaseNotices(report)
  .map((n) => `<p class="error">${esc(n)}</p>`)
  .join('')}
${report.notRun?.length ? `<p class="error">Not run: ${report.notRun.map(esc).join(', ')}</p>` : ''}
<ul>${targets}</ul>
${scopeLine(report)}
<p>Legend: ✓ passed · ✗ failed · ! technical error · – skipped (with the reason in the case); an empty table cell: no case there</p>
<p><span class="pass">${all.pass} passed</span> · <span class="fail">${all.fail} failed</span> · <span class="error">${all.error} errors</span> · <span class="skip">${all.skip} skipped</span> · ${n.variants} variants of ${n.cases} cases · ${conflicts} cases with a document conflict</p>
${report.baselineProblems?.length ? `<h2>Baseline problems</h2><ul>${report.baselineProblems.map((e) => `<li class="fail">${esc(e)}</li>`).join('')}</ul>` : ''}
${report.runErrors.length ? `<h2>Run errors</h2><ul>${report.runErrors.map((e) => `<li class="error">${esc(e)}</li>`).join('')}</ul>` : ''}
${historyHtml(report)}
${picture(results)}
${failureIndex(results)}
${coverageHtml(report.coverage)}
<h2>Coverage: field × verdict</h2>
<div class="wide"><table id="matrix"><tr><th>field</th><th>allowed updates</th><th>forbidden updates</th></tr>${matrix}</table></div>
${mvTable}
<h2>Cases</h2>
${results.map(caseSection).join('\n')}
</body></html>`;
}
