/**
 * results.subunit: the run as a subunit v2 stream, for the OpenStack test tooling (`subunit2junitxml`,
 * `stestr load`, `subunit-trace`). Encoded from the published format (testing-cabal/subunit README, "Version
 * 2"): each packet is the signature 0xB3, 16 bits of flags (version 0x2, which optional fields follow, the
 * test status in the low 3 bits), the packet length as a varint, the fields, and a CRC32 of all of it.
 *
 * Per variant: `inprogress`, then attachments (`traceback`: the failure lines and the redacted update
 * exchange; `reason` for a skip), then the final status — success, fail (conformance failure or technical
 * error), skip, or xfail for a failure the baseline excuses (an expected failure). Tags: the suite, the kind,
 * and the capability the case tests (`capability:compute-servers-update`).
 */
import { type CaseResult, describeSupersedes, explain } from '../engine/results.ts';
import type { RunReport } from './model.ts';
import { judge } from './verdict.ts';

const SIGNATURE = 0xb3;
const VERSION_2 = 0x2000;
const FLAG = { testId: 0x0800, routeCode: 0x0400, timestamp: 0x0200, runnable: 0x0100, tags: 0x0080, fileContent: 0x0040, mimeType: 0x0020, eof: 0x0010 };
const STATUS = { undefined: 0, exists: 1, inprogress: 2, success: 3, uxsuccess: 4, skip: 5, fail: 6, xfail: 7 } as const;
type Status = keyof typeof STATUS;
/** Readers take at most 3 length bytes, i.e. packets up to 4 194 303 bytes; attachments are cut well below. */
const MAX_ATTACHMENT = 1024 * 1024;
const TEXT = 'text/plain;charset=utf8';

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, the zlib one) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of bytes) crc = (crcTable[(crc ^ b) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Subunit's variable-length number: the top two bits of the first byte say how many bytes follow (0-3). */
export function varint(n: number): Buffer {
  if (n < 0 || !Number.isInteger(n)) throw new Error(`varint of ${n}`);
  if (n < 0x40) return Buffer.from([n]);
  if (n < 0x4000) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  if (n < 0x400000) return Buffer.from([0x80 | (n >> 16), (n >> 8) & 0xff, n & 0xff]);
  if (n < 0x40000000) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE((0xc0000000 | n) >>> 0);
    return b;
  }
  throw new Error(`varint too large: ${n}`);
}

function utf8(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([varint(b.length), b]);
}

export interface Packet {
  testId?: string;
  status?: Status;
  tags?: string[];
  timestamp?: Date;
  file?: { name: string; content: Buffer; mimeType: string; eof: boolean };
}

/** One packet, with its length and CRC. */
export function encodePacket(p: Packet): Buffer {
  let flags = VERSION_2 | STATUS[p.status ?? 'undefined'];
  const body: Buffer[] = [];
  if (p.timestamp) {
    flags |= FLAG.timestamp;
    const ms = p.timestamp.getTime();
    const seconds = Buffer.alloc(4);
    seconds.writeUInt32BE(Math.floor(ms / 1000));
    body.push(seconds, varint((ms % 1000) * 1_000_000));
  }
  if (p.testId !== undefined) {
    flags |= FLAG.testId;
    body.push(utf8(p.testId));
  }
  if (p.tags?.length) {
    flags |= FLAG.tags;
    body.push(varint(p.tags.length), ...p.tags.map(utf8));
  }
  // Every test here is runnable (not an `exists` enumeration), its attachments included, as python-subunit writes them.
  if (p.testId !== undefined) flags |= FLAG.runnable;
  if (p.file) {
    flags |= FLAG.mimeType | FLAG.fileContent | (p.file.eof ? FLAG.eof : 0);
    body.push(utf8(p.file.mimeType), utf8(p.file.name), varint(p.file.content.length), p.file.content);
  }
  const fields = Buffer.concat(body);
  // signature + flags + length + fields + CRC; the length counts itself, so its own size is found first.
  const fixed = 1 + 2 + fields.length + 4;
  const lengthSize = fixed + 1 < 0x40 ? 1 : fixed + 2 < 0x4000 ? 2 : fixed + 3 < 0x400000 ? 3 : 0;
  if (lengthSize === 0) throw new Error(`subunit packet too long (${fixed} bytes)`);
  const head = Buffer.alloc(3);
  head[0] = SIGNATURE;
  head.writeUInt16BE(flags, 1);
  const content = Buffer.concat([head, varint(fixed + lengthSize), fields]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(content));
  return Buffer.concat([content, crc]);
}

function cut(text: string): Buffer {
  const b = Buffer.from(text, 'utf8');
  return b.length <= MAX_ATTACHMENT ? b : Buffer.concat([b.subarray(0, MAX_ATTACHMENT), Buffer.from('\n… [cut]')]);
}

function statusOf(r: CaseResult): Status {
  if (r.verdict === 'pass') return 'success';
  if (r.verdict === 'skip') return 'skip';
  if (r.verdict === 'fail' && r.baselined) return 'xfail';
  return 'fail';
}

/** What a failed variant's `traceback` holds: the failure lines, where the expectation comes from, and (`withExchange`) the update exchange. */
export function failureText(r: CaseResult, withExchange = true): string {
  const lines = [`${r.verdict === 'error' ? 'technical error' : 'conformance failure'}: ${explain(r)}`];
  for (const f of r.failures) lines.push(`  [${f.check}] ${f.title}${f.pointer ? ` at ${f.pointer}` : ''}: expected ${f.expected}, received ${f.received}`);
  if (r.baselined) lines.push(`known deviation (baseline): ${r.baselined}`);
  if (r.expectation) lines.push(`expectation of this upstream release: ${r.expectation}`);
  lines.push(`source: ${r.source.join('; ')}`);
  if (r.supersedes) lines.push(describeSupersedes(r.supersedes));
  const update = withExchange ? r.evidence.find((e) => e.role === 'update') : undefined;
  if (update) lines.push('', exchangeText(update));
  return lines.join('\n');
}

/** The update exchange, secrets already redacted (engine/http/redact.ts). */
export function exchangeText(e: CaseResult['evidence'][number]): string {
  const headers = (h: Record<string, string>) => Object.entries(h).map(([k, v]) => `${k}: ${v}`);
  return [
    `${e.request.method} ${e.request.url}`,
    ...headers(e.request.headers),
    '',
    e.request.body ?? '',
    '',
    `HTTP ${e.response.status}`,
    ...headers(e.response.headers),
    '',
    e.response.body,
  ].join('\n');
}

/**
 * The test id: `<case id>(<variant>)`, the testtools convention for a scenario, so tools that split an id at
 * its last dot before `(` (junitxml, stestr) see suite `nova.servers.update`, test `rename(2.19)`.
 */
export function subunitTestId(r: CaseResult): string {
  return r.variant && r.id !== r.caseId ? `${r.caseId}(${r.variant})` : r.id;
}

function testPackets(r: CaseResult, start: Date): Buffer[] {
  const tags = [r.suite, r.kind, ...(r.supersedes ? [`capability:${r.supersedes.capability}`] : [])];
  const id = subunitTestId(r);
  const out = [encodePacket({ testId: id, status: 'inprogress', timestamp: start, tags })];
  const attach = (name: string, text: string) => out.push(encodePacket({ testId: id, file: { name, content: cut(text), mimeType: TEXT, eof: true } }));
  if (r.verdict === 'skip') attach('reason', r.reason ?? 'skipped');
  else if (r.verdict !== 'pass') attach('traceback', failureText(r));
  out.push(encodePacket({ testId: id, status: statusOf(r), timestamp: new Date(start.getTime() + r.durationMs), tags }));
  return out;
}

/** The whole run; problems outside any case (run errors, baseline problems, an interruption) are one failing test. */
export function renderSubunit(report: RunReport): Buffer {
  const start = new Date(report.startedAt);
  const packets = report.results.flatMap((r) => testPackets(r, start));
  const problems = [...report.runErrors, ...(report.baselineProblems ?? []), ...(report.interrupted ? ['the run was interrupted: partial results'] : [])];
  if (problems.length) {
    const id = 'update-conformance.run';
    const end = new Date(report.finishedAt);
    packets.push(
      encodePacket({ testId: id, status: 'inprogress', timestamp: start }),
      encodePacket({ testId: id, file: { name: 'traceback', content: cut(`${judge(report).headline}\n${problems.join('\n')}`), mimeType: TEXT, eof: true } }),
      encodePacket({ testId: id, status: 'fail', timestamp: end }),
    );
  }
  return Buffer.concat(packets);
}
