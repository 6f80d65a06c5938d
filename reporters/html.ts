import type { CaseResult } from '../engine/results.ts';
import { describeSupersedes, explain } from '../engine/results.ts';
import { type Counts, countVerdicts, coverageMatrix, microversionMatrix, type RunReport, sortResults } from './model.ts';
import { judge } from './verdict.ts';

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1b1f24}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
table{border-collapse:collapse;margin:8px 0} td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa} .num{text-align:right}
.pass{color:#1a7f37}.fail{color:#cf222e}.error{color:#9a6700}.skip{color:#57606a}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-weight:600;color:#fff}
.b-pass{background:#1a7f37}.b-fail{background:#cf222e}.b-error{background:#bf8700}.b-skip{background:#6e7781}
details{border:1px solid #d0d7de;border-radius:6px;margin:4px 0;padding:4px 8px} summary{cursor:pointer}
pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:360px;font-size:12px}
.conflict{background:#fff8c5;padding:4px 8px;border-left:3px solid #d4a72c;margin:4px 0}
.cell-bad{background:#ffebe9}.cell-ok{background:#dafbe1}
.diff-add{color:#1a7f37}.diff-remove{color:#cf222e}.diff-replace{color:#0550ae}
`;

function cell(c: Counts): string {
  if (c.total === 0) return '<td class="num">—</td>';
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

function caseSection(r: CaseResult): string {
  const open = r.verdict === 'fail' || r.verdict === 'error' ? ' open' : '';
  const rows = r.failures
    .map(
      (f) =>
        `<tr><td>${esc(f.check)}</td><td>${esc(f.title)}</td><td><code>${esc(f.pointer ?? '')}</code></td><td>${esc(f.expected)}</td><td>${esc(f.received)}</td></tr>`,
    )
    .join('');
  const diff = (r.diff ?? [])
    .map(
      (op) =>
        `<div class="diff-${esc(op.op)}">${esc(op.op)} <code>${esc(op.path)}</code>${'value' in op ? ` = ${esc(JSON.stringify(op.value)).slice(0, 300)}` : ''}</div>`,
    )
    .join('');
  const evidence = r.evidence
    .map(
      (e) =>
        `<pre>${esc(
          `${e.role ? `[${e.role}] ` : ''}${e.request.method} ${e.request.url}\n${Object.entries(e.request.headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n')}\n\n${pretty(e.request.body)}`,
        )}</pre>` +
        `<pre>${esc(
          `HTTP ${e.response.status} (${e.elapsedMs} ms)\n${Object.entries(e.response.headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n')}\n\n${pretty(e.response.body)}`,
        )}</pre>`,
    )
    .join('');
  return `<details id="${esc(r.id)}"${open}><summary><span class="badge b-${r.verdict}">${r.verdict}</span> <code>${esc(r.id)}</code> — ${esc(r.title)}</summary>
<p>${esc(r.kind)} · fields: ${esc(r.fields.join(', '))} · tags: ${esc(r.tags.join(', '))} · ${r.requests} requests · ${r.durationMs} ms${r.inferred ? ' · <em>expectation inferred</em>' : ''}${r.confirmed ? ` · confirmed: ${esc(r.confirmed)}` : ''}</p>
${r.verdict !== 'pass' ? `<p><strong>${esc(explain(r))}</strong></p>` : ''}
${r.baselined ? `<p><em>Known deviation (baseline): ${esc(r.baselined)}</em></p>` : ''}
${r.expectation ? `<p><em>Expectation of this upstream release: ${esc(r.expectation)}</em></p>` : ''}
${r.docConflict ? `<div class="conflict"><strong>Document vs upstream:</strong> the document says ${esc(r.docConflict.docSays)}; upstream: ${esc(r.docConflict.upstream)} (expectation follows ${esc(r.docConflict.followed)})</div>` : ''}
<p>Source: ${r.source.map((s) => `<code>${esc(s)}</code>`).join('; ')}</p>
${r.supersedes ? `<p>Upstream programme: ${esc(describeSupersedes(r.supersedes))}</p>` : ''}
${rows ? `<table><tr><th>check</th><th>failure</th><th>pointer</th><th>expected</th><th>received</th></tr>${rows}</table>` : ''}
${r.leaks?.length ? `<p class="fail">Leaked: ${esc(r.leaks.join('; '))}</p>` : ''}
${diff ? `<h4>Before → after</h4>${diff}` : ''}
${evidence ? `<h4>Evidence (secrets redacted)</h4>${evidence}` : ''}
</details>`;
}

/** Links to every failed or errored case, so nobody hunts through the list. */
function failureIndex(results: CaseResult[]): string {
  const bad = results.filter((r) => r.verdict === 'fail' || r.verdict === 'error');
  if (bad.length === 0) return '';
  const items = bad
    .map(
      (r) =>
        `<li><span class="badge b-${r.verdict}">${r.verdict}</span> <a href="#${esc(r.id)}"><code>${esc(r.id)}</code></a> ${esc(explain(r))}${r.baselined ? ' <em>(baselined)</em>' : ''}</li>`,
    )
    .join('');
  return `<h2>Failures and errors (${bad.length})</h2><ul id="failures">${items}</ul>`;
}

/** A self-contained page: header, coverage matrix (field × allowed/forbidden × verdict), then every case. */
export function renderHtml(report: RunReport): string {
  const results = sortResults(report.results);
  const all = countVerdicts(results);
  const { verdict, headline } = judge(report);
  const why = headline.slice(verdict.length).trim();
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
  const conflicts = results.filter((r) => r.docConflict).length;
  const mv = microversionMatrix(results);
  const empty: Counts = { pass: 0, fail: 0, error: 0, skip: 0, total: 0 };
  const mvTable = mv.versions.length
    ? `<h2>Compute: field × microversion</h2><table id="microversions"><tr><th>field</th>${mv.versions.map((v) => `<th>${esc(v)}</th>`).join('')}</tr>${mv.rows
        .map((row) => `<tr><td>${esc(row.field)}</td>${mv.versions.map((v) => cell(row.cells.get(v) ?? empty)).join('')}</tr>`)
        .join('')}</table>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>update-conformance ${esc(report.runId)}: ${verdict}</title><style>${STYLE}</style></head><body>
<h1>update-conformance: <span class="${verdict === 'non-conformant' ? 'fail' : verdict === 'conformant' ? 'pass' : 'error'}">${verdict}</span>${why ? ` <small>${esc(why)}</small>` : ''}</h1>
<p>Run <code>${esc(report.runId)}</code> · ${esc(report.startedAt)} → ${esc(report.finishedAt)} · ${esc(report.tool.name)} ${esc(report.tool.version)}${report.interrupted ? ' · <strong class="error">interrupted: partial results</strong>' : ''}</p>
<ul>${targets}</ul>
<p>Legend: ✓ passed · ✗ failed · ! technical error · – skipped (with the reason in the case)</p>
<p><span class="pass">${all.pass} passed</span> · <span class="fail">${all.fail} failed</span> · <span class="error">${all.error} errors</span> · <span class="skip">${all.skip} skipped</span> · ${all.total} cases · ${conflicts} with a document conflict</p>
${report.baselineProblems?.length ? `<h2>Baseline problems</h2><ul>${report.baselineProblems.map((e) => `<li class="fail">${esc(e)}</li>`).join('')}</ul>` : ''}
${report.runErrors.length ? `<h2>Run errors</h2><ul>${report.runErrors.map((e) => `<li class="error">${esc(e)}</li>`).join('')}</ul>` : ''}
${failureIndex(results)}
<h2>Coverage: field × verdict</h2>
<table id="matrix"><tr><th>field</th><th>allowed updates</th><th>forbidden updates</th></tr>${matrix}</table>
${mvTable}
<h2>Cases</h2>
${results.map(caseSection).join('\n')}
</body></html>`;
}
