/**
 * Request-body validation of Update Server, following Nova Zed 26.2.2:
 * `nova/api/openstack/compute/schemas/servers.py` (update, update_v219, update_v290; master's
 * update_v294 for targets configured above 2.93), `nova/api/validation/parameter_types.py` and the
 * message shaping of `nova/api/validation/validators.py` `_SchemaValidator.validate`:
 *
 *   - a format 'name' failure → the InvalidName text;
 *   - an error with a non-empty path → "Invalid input for field/attribute <leaf>. Value: <str>. <msg>";
 *   - otherwise the bare jsonschema message.
 *
 * The tiny validator below walks keywords in the schema's own key order (as jsonschema does with the
 * Python dicts) and stops at the first error (jsonschema's `validate` raises the first one).
 */

import { atLeast, type Microversion } from './microversion.ts';
import { pyRepr, pyStr } from './pyrepr.ts';

export interface MiniSchema {
  type?: string | string[];
  minLength?: number;
  maxLength?: number;
  format?: 'name' | 'ipv4' | 'ipv6' | 'ipv4-leading-zeros';
  /** jsonschema's oneOf (used by 2.104's name_or_none). */
  oneOf?: MiniSchema[];
  pattern?: { source: string; test: (s: string) => boolean };
  enum?: unknown[];
  properties?: Record<string, MiniSchema>;
  required?: string[];
  additionalProperties?: boolean;
}

export interface ValidationFailure {
  message: string;
}

export const INVALID_NAME_MESSAGE = "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.";

// ---- character classes of parameter_types._build_regex_range (BMP only: range(0xFFFF)) ----

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]$/u;
const ZS = /^\p{Zs}$/u;

function isPrintableChar(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  return cp < 0xffff && PRINTABLE.test(ch);
}
function isPrintableNonSpace(ch: string): boolean {
  return isPrintableChar(ch) && !ZS.test(ch);
}

/**
 * Python's `$` (no MULTILINE) also matches just before a final "\n", and jsonschema/Nova use
 * `re.search`, so a single trailing newline slips through every anchored pattern. Emulated here.
 */
function stripFinalNewline(s: string): string {
  return s.endsWith('\n') ? s.slice(0, -1) : s;
}

/** `valid_name_regex`: printable (spaces allowed inside), not starting/ending with whitespace. */
export function isValidName(s: string): boolean {
  const check = (t: string): boolean => {
    const chars = [...t];
    if (chars.length === 0) return true;
    if (!chars.every(isPrintableChar)) return false;
    return isPrintableNonSpace(chars[0] ?? '') && isPrintableNonSpace(chars[chars.length - 1] ?? '');
  };
  return check(s) || (s.endsWith('\n') && check(stripFinalNewline(s)));
}

/** `valid_description_regex`: `^[printable incl. spaces]*$` */
function isValidDescription(s: string): boolean {
  const t = stripFinalNewline(s);
  return [...t].every(isPrintableChar);
}

/** Python 3.7+ `re.escape` escapes only these. */
const RE_SPECIAL = new Set('()[]{}?*+-|^$\\.&~# \t\n\r\v\f');
function reEscape(ch: string): string {
  return RE_SPECIAL.has(ch) ? `\\${ch}` : ch;
}

/** The range text Nova builds for the description pattern (used only in messages). */
function buildPrintableRange(): string {
  let out = '';
  let inRange = false;
  let last = '';
  let lastAdded = '';
  for (let i = 0; i < 0xffff; i++) {
    const c = String.fromCharCode(i);
    if (isPrintableChar(c)) {
      if (!inRange) {
        out += reEscape(c);
        lastAdded = c;
      }
      inRange = true;
    } else {
      if (inRange && last !== lastAdded) out += `-${reEscape(last)}`;
      inRange = false;
    }
    last = c;
  }
  if (inRange && last !== lastAdded) out += `-${reEscape(last)}`;
  return out;
}

let descriptionPatternSource: string | undefined;
function descriptionPattern(): string {
  descriptionPatternSource ??= `^[${buildPrintableRange()}]*$`;
  return descriptionPatternSource;
}

// ---- jsonschema 4.10.3 formats (ipaddress module) ----

/** `ipaddress.IPv4Address(str)` (Python ≥ 3.9.5: no leading zeros). */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^[0-9]{1,3}$/.test(p) && !(p.length > 1 && p.startsWith('0')) && Number(p) <= 255);
}

/** Parses like `ipaddress.IPv6Address` (no scope id: jsonschema rejects one); returns the 8 hextets. */
export function parseIPv6(s: string): number[] | undefined {
  if (s.includes('%')) return undefined;
  const parts = s.split(':');
  if (parts.length < 3) return undefined;
  const tail: number[] = [];
  const lastPart = parts[parts.length - 1] ?? '';
  if (lastPart.includes('.')) {
    if (!isIPv4(lastPart)) return undefined;
    const o = lastPart.split('.').map(Number) as [number, number, number, number];
    parts.pop();
    parts.push('x4hi', 'x4lo');
    tail.push((o[0] << 8) | o[1], (o[2] << 8) | o[3]);
  }
  if (parts.length > 9) return undefined;
  let skip: number | undefined;
  for (let i = 1; i < parts.length - 1; i++) {
    if (parts[i] === '') {
      if (skip !== undefined) return undefined;
      skip = i;
    }
  }
  let hi: number;
  let lo: number;
  let skipped = 0;
  if (skip !== undefined) {
    hi = skip;
    lo = parts.length - skip - 1;
    if (parts[0] === '') {
      hi -= 1;
      if (hi) return undefined;
    }
    if (parts[parts.length - 1] === '') {
      lo -= 1;
      if (lo) return undefined;
    }
    skipped = 8 - (hi + lo);
    if (skipped < 1) return undefined;
  } else {
    if (parts.length !== 8) return undefined;
    if (parts[0] === '' || parts[parts.length - 1] === '') return undefined;
    hi = parts.length;
    lo = 0;
  }
  const hextet = (p: string): number | undefined => {
    if (p === 'x4hi') return tail[0];
    if (p === 'x4lo') return tail[1];
    if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
    return Number.parseInt(p, 16);
  };
  const words: number[] = [];
  for (let i = 0; i < hi; i++) {
    const w = hextet(parts[i] ?? '');
    if (w === undefined) return undefined;
    words.push(w);
  }
  for (let i = 0; i < skipped; i++) words.push(0);
  for (let i = lo; i > 0; i--) {
    const w = hextet(parts[parts.length - i] ?? '');
    if (w === undefined) return undefined;
    words.push(w);
  }
  return words.length === 8 ? words : undefined;
}

export function isIPv6(s: string): boolean {
  return parseIPv6(s) !== undefined;
}

/**
 * How Nova shows a stored IPv6 access address: `str(netaddr.IPAddress(v))` — lowercase, leading zeros
 * dropped, the longest run (≥ 2) of zero hextets compressed, IPv4-mapped as ::ffff:a.b.c.d.
 */
export function canonicalIPv6(s: string): string {
  const w = parseIPv6(s);
  if (!w) return s;
  if (w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff) {
    const a = w[6] ?? 0;
    const b = w[7] ?? 0;
    return `::ffff:${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = w.map((x) => x.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

// ---- the validator ----

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function isType(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  if (t === 'number') return actual === 'number' || actual === 'integer';
  if (t === 'boolean') return typeof v === 'boolean';
  return actual === t;
}

interface RawError {
  path: string[];
  instance: unknown;
  message: string;
  invalidName?: boolean;
}

function firstError(schema: MiniSchema, instance: unknown, path: string[]): RawError | undefined {
  for (const key of Object.keys(schema) as (keyof MiniSchema)[]) {
    switch (key) {
      case 'type': {
        const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? ''];
        if (!types.some((t) => isType(instance, t))) {
          return { path, instance, message: `${pyRepr(instance)} is not of type ${types.map((t) => `'${t}'`).join(', ')}` };
        }
        break;
      }
      case 'minLength':
        if (typeof instance === 'string' && [...instance].length < (schema.minLength ?? 0)) {
          return { path, instance, message: `${pyRepr(instance)} is too short` };
        }
        break;
      case 'maxLength':
        if (typeof instance === 'string' && [...instance].length > (schema.maxLength ?? Number.POSITIVE_INFINITY)) {
          return { path, instance, message: `${pyRepr(instance)} is too long` };
        }
        break;
      case 'format':
        if (typeof instance === 'string') {
          if (schema.format === 'name' && !isValidName(instance)) return { path, instance, message: INVALID_NAME_MESSAGE, invalidName: true };
          if (schema.format === 'ipv4' && !isIPv4(instance)) return { path, instance, message: `${pyRepr(instance)} is not a 'ipv4'` };
          if (schema.format === 'ipv6' && !isIPv6(instance)) return { path, instance, message: `${pyRepr(instance)} is not a 'ipv6'` };
          if (schema.format === 'ipv4-leading-zeros' && !isIPv4(instance.replace(/(^|\.)0+(\d)/g, '$1$2')))
            return { path, instance, message: `${pyRepr(instance)} is not a 'ipv4'` };
        }
        break;
      case 'pattern':
        if (typeof instance === 'string' && schema.pattern && !schema.pattern.test(instance)) {
          return { path, instance, message: `${pyRepr(instance)} does not match ${pyRepr(schema.pattern.source)}` };
        }
        break;
      case 'enum':
        if (!(schema.enum ?? []).some((e) => e === instance)) {
          return { path, instance, message: `${pyRepr(instance)} is not one of ${pyRepr(schema.enum)}` };
        }
        break;
      case 'properties':
        if (typeOf(instance) === 'object') {
          const obj = instance as Record<string, unknown>;
          for (const [name, sub] of Object.entries(schema.properties ?? {})) {
            if (Object.hasOwn(obj, name)) {
              const e = firstError(sub, obj[name], [...path, name]);
              if (e) return e;
            }
          }
        }
        break;
      case 'required':
        if (typeOf(instance) === 'object') {
          for (const name of schema.required ?? []) {
            if (!Object.hasOwn(instance as object, name)) return { path, instance, message: `${pyRepr(name)} is a required property` };
          }
        }
        break;
      case 'oneOf': {
        const matches = (schema.oneOf ?? []).filter((sub) => !firstError(sub, instance, path)).length;
        if (matches !== 1) return { path, instance, message: `${pyRepr(instance)} is not valid under any of the given schemas` };
        break;
      }
      case 'additionalProperties':
        if (schema.additionalProperties === false && typeOf(instance) === 'object') {
          const extras = Object.keys(instance as object)
            .filter((k) => !Object.hasOwn(schema.properties ?? {}, k))
            .sort();
          if (extras.length > 0) {
            const list = extras.map((k) => pyRepr(k)).join(', ');
            return { path, instance, message: `Additional properties are not allowed (${list} ${extras.length === 1 ? 'was' : 'were'} unexpected)` };
          }
        }
        break;
    }
  }
  return undefined;
}

/** Validates and shapes the message like Nova's `_SchemaValidator`. */
export function validate(schema: MiniSchema, instance: unknown): ValidationFailure | undefined {
  const e = firstError(schema, instance, []);
  if (!e) return undefined;
  if (e.invalidName) return { message: e.message };
  const leaf = e.path[e.path.length - 1];
  if (leaf !== undefined) {
    return { message: `Invalid input for field/attribute ${leaf}. Value: ${pyStr(e.instance)}. ${e.message}` };
  }
  return { message: e.message };
}

// ---- parameter_types (Zed) ----

export interface SchemaQuirks {
  lenientName?: boolean;
  strictNameLength?: boolean;
  asciiOnlyNames?: boolean;
  lenientIp?: boolean;
  lenientDiskConfig?: boolean;
  lenientDescription?: boolean;
  lenientHostname?: boolean;
  /** 2.94 keeps the 2.90 hostname rules. */
  noFqdnHostname?: boolean;
  /** IPv4 octets may have leading zeros (Python's ipaddress before 3.9.5). */
  ipv4LeadingZeros?: boolean;
  /** pinned_availability_zone without maxLength. */
  lenientPinnedAzLength?: boolean;
  ignoreMicroversion?: boolean;
  acceptCreateOnly?: boolean;
}

function nameType(q: SchemaQuirks): MiniSchema {
  if (q.lenientName) return { type: ['string', 'number', 'null'] };
  const s: MiniSchema = { type: 'string', minLength: 1, maxLength: q.strictNameLength ? 254 : 255, format: 'name' };
  if (q.asciiOnlyNames) {
    s.pattern = { source: '^[\\x20-\\x7e]*$', test: (v) => /^[\x20-\x7e]*$/.test(v) };
  }
  return s;
}

function ipType(version: 4 | 6, q: SchemaQuirks): MiniSchema {
  if (q.lenientIp) return { type: ['string', 'null'] };
  if (version === 4 && q.ipv4LeadingZeros) return { type: 'string', format: 'ipv4-leading-zeros' };
  return { type: 'string', format: version === 4 ? 'ipv4' : 'ipv6' };
}

function diskConfigType(q: SchemaQuirks): MiniSchema {
  if (q.lenientDiskConfig) return { type: ['string', 'null'] };
  return { type: 'string', enum: ['AUTO', 'MANUAL'] };
}

function descriptionType(q: SchemaQuirks): MiniSchema {
  if (q.lenientDescription) return { type: ['string', 'number', 'null'] };
  return {
    type: ['string', 'null'],
    minLength: 0,
    maxLength: 255,
    pattern: { source: descriptionPattern(), test: isValidDescription },
  };
}

const HOSTNAME_RE = /^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$/;
const FQDN_RE = /^[a-zA-Z0-9-._]*$/;

function hostnameType(): MiniSchema {
  return {
    type: 'string',
    minLength: 2,
    maxLength: 63,
    pattern: { source: HOSTNAME_RE.source, test: (s) => HOSTNAME_RE.test(stripFinalNewline(s)) },
  };
}

/** master `parameter_types.fqdn` (2.94+). */
function fqdnType(): MiniSchema {
  return {
    type: 'string',
    minLength: 1,
    maxLength: 255,
    pattern: { source: FQDN_RE.source, test: (s) => FQDN_RE.test(stripFinalNewline(s)) },
  };
}

/** The Update Server request schema Nova picks for a microversion (with optional defects). */
export function updateSchema(mv: Microversion, q: SchemaQuirks = {}): MiniSchema {
  const props: Record<string, MiniSchema> = {
    name: nameType(q),
    'OS-DCF:diskConfig': diskConfigType(q),
    accessIPv4: ipType(4, q),
    accessIPv6: ipType(6, q),
  };
  if (q.lenientDiskConfig) props.diskConfig = diskConfigType(q);
  if (q.ignoreMicroversion || atLeast(mv, '2.19')) props.description = descriptionType(q);
  if (q.ignoreMicroversion || atLeast(mv, '2.90')) {
    props.hostname = q.lenientHostname ? { type: ['string', 'null'], maxLength: 255 } : atLeast(mv, '2.94') && !q.noFqdnHostname ? fqdnType() : hostnameType();
  }
  if (atLeast(mv, '2.104'))
    props.pinned_availability_zone = { oneOf: [{ type: 'string', minLength: 1, maxLength: q.lenientPinnedAzLength ? undefined : 255 }, { type: 'null' }] };
  return {
    type: 'object',
    properties: {
      server: { type: 'object', properties: props, additionalProperties: q.acceptCreateOnly === true },
    },
    required: ['server'],
    additionalProperties: false,
  };
}

/** The editable fields of a body (those the microversion's schema knows). */
export function editableKeys(mv: Microversion, q: SchemaQuirks = {}): string[] {
  return Object.keys(updateSchema(mv, q).properties?.server?.properties ?? {});
}
