/**
 * `tsx bench/profile-summary.ts FILE.cpuprofile [N]`: where a profile (from `npm run bench -- --profile DIR` or
 * `node --cpu-prof`) spends its time: self time per function (top N), and samples attributed to the nearest
 * project area on the stack (engine/<dir>, backends, cli…, or a library), so engine cost can be told apart from
 * HTTP and runtime cost.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tsx bench/profile-summary.ts FILE.cpuprofile [N]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url: string) =>
  url.replace(/^.*\/node_modules\//, 'nm/').replace(/^file:\/\/.*?\/(engine|bench|backends|cli|reporters|suites|selftest)\//, '$1/');
function area(id: number): string {
  const leaf = byId.get(id)?.callFrame;
  if (leaf?.functionName === '(idle)') return '(idle)';
  if (leaf?.functionName === '(garbage collector)') return '(gc)';
  if (leaf?.functionName === '(program)') return '(program)';
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const url = byId.get(cur)?.callFrame.url ?? '';
    const own = /\/(engine\/[^/]+|bench|backends\/[^/]+|cli|reporters|suites)(?:\/|$)/.exec(url);
    if (own && !url.includes('node_modules')) return own[1] as string;
    const lib = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (lib) return `lib ${lib[1]}`;
  }
  return '(node internals / native)';
}

const self = new Map<string, number>();
const areas = new Map<string, number>();
for (let i = 0; i < p.samples.length; i++) {
  const id = p.samples[i] as number;
  const dt = (p.timeDeltas[i] ?? 0) / 1000;
  const f = byId.get(id)?.callFrame;
  const key = `${f?.functionName || '(anonymous)'}  ${short(f?.url ?? '')}`;
  self.set(key, (self.get(key) ?? 0) + dt);
  const a = area(id);
  areas.set(a, (areas.get(a) ?? 0) + dt);
}
const fmt = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${v.toFixed(1).padStart(9)} ms  ${k}`)
    .join('\n');
process.stdout.write(
  `${file}: ${((p.endTime - p.startTime) / 1000).toFixed(0)} ms profiled\n\nby area (nearest project directory or library on the stack):\n${fmt(areas, 30)}\n\nself time, top ${top}:\n${fmt(self, top)}\n`,
);
