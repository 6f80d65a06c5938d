import type { Exchange } from '../http/exchange.ts';
import type { TargetTraits } from './outcome.ts';

/**
 * Statuses a layer in front of the API (an auth gateway, a reverse proxy) answers before the request reaches
 * the API: authentication (401, 407) and the request's size (413, 414, 431). What the API promises for them is
 * the status; the body is whoever answered.
 */
export const FRONT_LAYER_STATUSES: ReadonlySet<number> = new Set([401, 407, 413, 414, 431]);

/** How a body that is not upstream's looks, for the note: its media type and its first characters. */
function describeBody(ex: Exchange): string {
  const type = ex.response.headers['content-type']?.split(';')[0]?.trim() || 'no Content-Type';
  const text = ex.response.text.replace(/\s+/g, ' ').trim();
  return `${type}${text ? ` ${text.length > 80 ? `${text.slice(0, 80)}…` : text}` : ', empty'}`;
}

/**
 * The note for an update answered by a layer in front of the API, or undefined when the API's own rules judge
 * the whole answer. A front layer answered when (1) the status is one the case expects, (2) it is one of
 * FRONT_LAYER_STATUSES, and (3) the body is not in the target's error envelope (`traits.upstreamErrorBody`: a
 * Nova fault `{"<key>": {"code": <n>, …}}`, keystonemiddleware's `{"error": {"code": 401, …}}`, a Kubernetes
 * `Status`). A body in upstream's envelope is upstream's and is checked in full, right or wrong; a target
 * without the trait has no front layer.
 */
export function frontLayerNote(ex: Exchange, expected: readonly number[], traits: TargetTraits): string | undefined {
  const { status, json } = ex.response;
  if (!expected.includes(status) || !FRONT_LAYER_STATUSES.has(status) || !traits.upstreamErrorBody) return undefined;
  if (traits.upstreamErrorBody(json)) return undefined;
  return `${status} from a layer in front of the API (its body is not upstream's error body: ${describeBody(ex)}): judged on the status, the body is not checked`;
}
