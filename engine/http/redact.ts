import { redactText } from '../config/secrets.ts';
import type { Exchange } from './exchange.ts';

const SECRET_HEADERS = new Set(['authorization', 'x-auth-token', 'x-subject-token', 'cookie', 'set-cookie', 'proxy-authorization']);

/** Evidence bodies longer than this are cut, so a run's memory and reports stay bounded. */
export const EVIDENCE_BODY_LIMIT = 16 * 1024;

function redactHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (SECRET_HEADERS.has(k.toLowerCase())) {
      const scheme = /^(Bearer|Basic)\s/i.exec(v)?.[1];
      out[k] = scheme ? `${scheme} ***` : '***';
    } else out[k] = redactText(v);
  }
  return out;
}

function cut(text: string | undefined): string | undefined {
  if (text === undefined || text.length <= EVIDENCE_BODY_LIMIT) return text;
  return `${text.slice(0, EVIDENCE_BODY_LIMIT)}… [${text.length - EVIDENCE_BODY_LIMIT} more characters cut]`;
}

/** What an exchange was for within its case. */
export type EvidenceRole = 'setup' | 'before' | 'update' | 'after';

/** Serializable evidence of an exchange with secrets removed: safe to print and to write to reports. */
export interface Evidence {
  role?: EvidenceRole;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response: { status: number; headers: Record<string, string>; body: string };
  elapsedMs: number;
  /** An earlier read standing in for this one (not sent again), and why it holds. */
  reused?: string;
}

export function toEvidence(ex: Exchange, role?: EvidenceRole): Evidence {
  return {
    role,
    request: {
      method: ex.request.method,
      url: redactText(ex.request.url),
      headers: redactHeaders(ex.request.headers),
      body: cut(ex.request.body === undefined ? undefined : redactPasswords(redactText(ex.request.body))),
    },
    response: {
      status: ex.response.status,
      headers: redactHeaders(ex.response.headers),
      body: cut(redactPasswords(redactText(ex.response.text))) ?? '',
    },
    elapsedMs: Math.round(ex.elapsedMs),
    ...(ex.reused ? { reused: ex.reused } : {}),
  };
}

/**
 * Keystone password bodies: drop any "password" member even if its value was never registered, also when
 * the JSON is itself quoted inside a string (an echo in an error message).
 */
function redactPasswords(body: string): string {
  // Both patterns need the word: skip the two regex scans of every evidence body that has none.
  if (!body.includes('password')) return body;
  return body.replace(/("password"\s*:\s*)"(?:[^"\\]|\\.)*"/g, '$1"***"').replace(/(\\"password\\"\s*:\s*)\\"(?:[^"\\]|\\[^"])*\\"/g, '$1\\"***\\"');
}
