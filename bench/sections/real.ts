/**
 * The real backends CI starts (real kube-apiserver; real Nova + Keystone, Zed or 2026.2): when a backend's env file
 * exists and the service answers, the full suite against it with the compiled CLI, as CI runs it (never starts or
 * stops a backend); otherwise "not available". Each run also shows where its time went: every exchange's elapsed
 * time by request kind (results.json with CONFORMANCE_FULL_EVIDENCE), and the CPU the backend's processes and the
 * whole machine spent meanwhile, so a CPU-bound backend shows as one.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Evidence } from '../../engine/http/redact.ts';
import { SEEDS } from '../../engine/targets/nova/servers-update.ts';
import { realBackendEnv } from '../lib/backends.ts';
import { readResults, runCli } from '../lib/cli.ts';
import type { BenchContext } from '../lib/context.ts';
import { ROOT } from '../lib/proc.ts';
import { ms, type Table } from '../lib/report.ts';

interface RealBackend {
  /** backends/.state/<stem>.env, and backends/.state/<stem>/ its state (pid files). */
  stem: string;
  suite: 'k8s' | 'nova';
  /** The variable naming the URL whose port must answer (Nova: the compute API, also under noauth2). */
  probe: string;
  label: string;
}

const REAL: RealBackend[] = [
  { stem: 'k8s-real', suite: 'k8s', probe: 'K8S_SERVER', label: 'k8s.pods.patch vs real kube-apiserver' },
  { stem: 'nova-real', suite: 'nova', probe: 'NOVA_REAL_COMPUTE_URL', label: 'nova.servers.update vs real Nova Zed + Keystone' },
  { stem: 'nova-real-2026.2', suite: 'nova', probe: 'NOVA_REAL_COMPUTE_URL', label: 'nova.servers.update vs real Nova 34 (2026.2) + Keystone' },
];

/** Both Nova releases use the same ports: the env file counts only when the API answers with its max microversion. */
async function novaReleaseUp(env: Record<string, string>): Promise<string | undefined> {
  const compute = env.NOVA_REAL_COMPUTE_URL;
  const want = env.NOVA_REAL_MAX_MICROVERSION;
  if (!compute || !want) return undefined;
  try {
    const res = await fetch(`${new URL(compute).origin}/`, { signal: AbortSignal.timeout(5000) });
    const doc = (await res.json()) as { versions?: { id?: string; version?: string }[] };
    const got = doc.versions?.find((v) => v.id === 'v2.1')?.version;
    return got === want ? undefined : `the compute API answers as max ${got ?? '?'}, this env file's release is max ${want}`;
  } catch (err) {
    return `the compute API does not answer (${(err as Error).message})`;
  }
}

/** The wall figure of the same row in the last bench/results.md, to show next to the new one. */
function previousWall(label: string): string {
  const file = resolve(ROOT, 'bench', 'results.md');
  if (!existsSync(file)) return '';
  const row = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`| ${label} |`));
  return row?.split('|')[2]?.trim() ?? '';
}

/** CPU seconds (user + system) of each process and its descendants, by the pid files of a backend's state dir. */
function backendCpu(stem: string): Map<string, number> {
  const out = new Map<string, number>();
  const run = resolve(ROOT, 'backends', '.state', stem, 'run');
  if (!existsSync(run) || !existsSync('/proc')) return out;
  const procs: { pid: number; ppid: number; ticks: number }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // Fields after the command name: state ppid … utime (12th) stime (13th).
      const f = readFileSync(`/proc/${d}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ');
      procs.push({ pid: Number(d), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // gone meanwhile
    }
  }
  for (const file of readdirSync(run).filter((f) => f.endsWith('.pid'))) {
    const root = Number(readFileSync(join(run, file), 'utf8').trim());
    const tree = new Set([root]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of procs) {
        if (!tree.has(p.pid) && tree.has(p.ppid)) {
          tree.add(p.pid);
          grew = true;
        }
      }
    }
    // 100 clock ticks per second on Linux.
    out.set(file.replace(/\.pid$/, ''), procs.filter((p) => tree.has(p.pid)).reduce((a, p) => a + p.ticks, 0) / 100);
  }
  return out;
}

function machineCpu(): { busy: number; total: number } {
  if (!existsSync('/proc/stat')) return { busy: 0, total: 0 };
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
}

const SEED_VALUES = new Map(SEEDS.map((s) => [s.field, s.value]));

/** What an exchange was for: its role in the case, and for setup exchanges what they did. */
function kindOf(e: Evidence): string {
  const { method, url, body } = e.request;
  if (e.role !== 'setup') return `${e.role ?? '?'} ${method}`;
  let json: Record<string, unknown> | undefined;
  try {
    json = body ? (JSON.parse(body) as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  if (/\/action$/.test(new URL(url).pathname)) return `setup action ${Object.keys(json ?? {})[0] ?? '?'}`;
  const server = json?.server as Record<string, unknown> | undefined;
  if (method === 'PUT' && server && Object.entries(server).every(([k, v]) => SEED_VALUES.get(k) === v)) return 'setup PUT (seed)';
  return `setup ${method}`;
}

interface KindFigures {
  kind: string;
  times: number[];
}

/** Every exchange of the run by kind (needs CONFORMANCE_FULL_EVIDENCE: passing cases keep only the update otherwise). */
function requestKinds(reportDir: string): KindFigures[] {
  const file = join(reportDir, 'results.json');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as { results: { evidence?: Evidence[] }[] };
  const by = new Map<string, number[]>();
  for (const r of report.results) {
    for (const e of r.evidence ?? []) {
      // An earlier read standing in for this one was not sent: it costs nothing (counted apart, see reusedReads).
      if (e.reused) continue;
      const k = kindOf(e);
      by.set(k, [...(by.get(k) ?? []), e.elapsedMs]);
    }
  }
  return [...by].map(([kind, times]) => ({ kind, times })).sort((a, b) => sum(b.times) - sum(a.times));
}

/** Reads that stood in for a GET before (engine/run-case.ts `reused`): not sent. */
function reusedReads(reportDir: string): number {
  const file = join(reportDir, 'results.json');
  if (!existsSync(file)) return 0;
  const report = JSON.parse(readFileSync(file, 'utf8')) as { results: { evidence?: Evidence[] }[] };
  return report.results.reduce((n, r) => n + (r.evidence ?? []).filter((e) => e.reused).length, 0);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? 0;

export async function realSection(ctx: BenchContext): Promise<Table[]> {
  const rows: string[][] = [];
  const notes: string[] = [];
  const detail: Table[] = [];
  for (const b of REAL) {
    const found = await realBackendEnv(b.stem, b.probe);
    const down = 'missing' in found ? found.missing : b.suite === 'nova' ? await novaReleaseUp(found.env) : undefined;
    if ('missing' in found || down) {
      rows.push([b.label, 'not available', previousWall(b.label), '', '', '', '', '']);
      notes.push(`${b.stem}: ${down}`);
      continue;
    }
    ctx.log(`real: ${b.stem}`);
    const cpu0 = backendCpu(b.stem);
    const m0 = machineCpu();
    const t = await runCli(['run', '--suite', b.suite], { env: { ...found.env, CONFORMANCE_FULL_EVIDENCE: 'true' }, timeoutMs: 900_000 });
    const m1 = machineCpu();
    const cpu1 = backendCpu(b.stem);
    const res = readResults(t.reportDir, b.suite);
    if (!res || t.code === 2) {
      // Exit 2: configuration or unreachable (e.g. the env file is from another start of the backend).
      const secrets = Object.values(found.env).filter((v) => v.length >= 6);
      const scrub = (line: string) => secrets.reduce((l, v) => l.split(v).join('***'), line);
      const reason = scrub(t.lastLines.filter((l) => l.trim() && !/npm warn/.test(l)).pop() ?? 'no results');
      rows.push([b.label, 'not available', previousWall(b.label), String(t.code), '', '', '', '']);
      notes.push(`${b.stem}: the run against backends/.state/${b.stem}.env stopped before any case (exit ${t.code}): ${reason.slice(0, 200)}`);
      continue;
    }
    const kinds = requestKinds(t.reportDir);
    const requests = sum(kinds.map((k) => k.times.length));
    const spent = sum(kinds.map((k) => sum(k.times)));
    rows.push([
      b.label,
      ms(t.wallMs),
      previousWall(b.label),
      String(t.code),
      String(res.cases),
      `${requests} (${((requests / t.wallMs) * 1000).toFixed(0)}/s)`,
      res.requestsPerCase.mean.toFixed(2),
      String(res.requestsPerCase.max),
    ]);
    const cpuNotes = [...cpu1].map(([name, s]) => `${name} ${(s - (cpu0.get(name) ?? 0)).toFixed(1)} s`);
    const busy = m1.total > m0.total ? (m1.busy - m0.busy) / (m1.total - m0.total) : Number.NaN;
    const api = [...cpu1].find(([name]) => /nova-api|server/.test(name));
    const apiCpu = api ? api[1] - (cpu0.get(api[0]) ?? 0) : undefined;
    detail.push({
      title: `Where the time goes: ${b.label}`,
      columns: ['request kind', 'requests', 'share of request time', 'mean', 'p95'],
      rows: kinds.map((k) => [
        k.kind,
        String(k.times.length),
        `${((sum(k.times) / spent) * 100).toFixed(0)} %`,
        `${(sum(k.times) / k.times.length).toFixed(1)} ms`,
        `${p95(k.times)} ms`,
      ]),
      notes: [
        `each exchange's elapsed time as the client saw it (queueing in the backend included), CONFORMANCE_FULL_EVIDENCE; tokens and the release's undo steps are not exchanges of a case`,
        `${reusedReads(t.reportDir)} GET befores were an earlier answer standing in (the previous case's GET after, a pod's create answer): not sent, not counted`,
        cpuNotes.length
          ? `backend CPU during the run: ${cpuNotes.join(', ')}${apiCpu !== undefined ? ` (the API: ${((apiCpu / requests) * 1000).toFixed(1)} ms CPU per request)` : ''}`
          : 'backend CPU: no pid files to read',
        `machine: ${Number.isNaN(busy) ? 'n/a' : `${(busy * 100).toFixed(0)} % of all CPUs busy`} during the run (the suite, the backend and anything else)`,
      ],
    });
  }
  return [
    {
      title: 'Real backends (optional; CI fills these in)',
      columns: ['run', 'wall', 'previous wall', 'exit', 'cases', 'requests (per second)', 'requests/case (mean)', 'requests/case (max)'],
      rows,
      notes: [
        'the compiled CLI (node dist/cli/bin.js run) with the env file as it is (the project member on Nova); previous wall from the last bench/results.md',
        'requests per case from results.json (setup, GET before, update, GET after; not the release)',
        ...notes,
      ],
    },
    ...detail,
  ];
}
