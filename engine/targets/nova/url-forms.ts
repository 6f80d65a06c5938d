import { randomUUID } from 'node:crypto';
import type { NovaUrlProject } from './types.ts';

/**
 * Update Server answers on two URLs: `/v2.1/servers/{id}` and the seed's `/v2.1/{project_id}/servers/{id}`
 * (nova/api/openstack/__init__.py ProjectMapper.create_route connects both; the project id must be lower-case hex
 * and dashes, and Resource._process_stack refuses one that is not the token's with 400). A catalog endpoint may
 * carry the project id or not; a case says which form it sends, whatever the endpoint has.
 */

/** A trailing project id segment of a compute endpoint (Keystone ids: 32 hex digits, or a UUID). */
const PROJECT_SUFFIX = /\/([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The endpoint without a trailing project id: `http://nova:8774/v2.1`. */
export function computeRoot(endpoint: string): string {
  return endpoint.replace(/\/+$/, '').replace(PROJECT_SUFFIX, '');
}

/** The project id the endpoint itself carries, if any. */
export function endpointProjectId(endpoint: string): string | undefined {
  return PROJECT_SUFFIX.exec(endpoint.replace(/\/+$/, ''))?.[1];
}

/**
 * The base URL a case's update goes to: the endpoint as configured (`endpoint`, the default), the root without a
 * project id (`none`), the root with the token's project id (`own`), with that id upper-cased (`own-upper-case`,
 * which no route matches), or with another project's id (`other`: a fresh random id, never the token's).
 */
export function updateBase(form: NovaUrlProject | undefined, endpoint: string, projectId: string | undefined): string {
  const root = computeRoot(endpoint);
  switch (form ?? 'endpoint') {
    case 'endpoint':
      return endpoint;
    case 'none':
      return root;
    case 'own':
      return `${root}/${projectId}`;
    case 'own-upper-case':
      return `${root}/${projectId?.toUpperCase()}`;
    case 'other': {
      let other = randomUUID().replace(/-/g, '');
      while (other === projectId) other = randomUUID().replace(/-/g, '');
      return `${root}/${other}`;
    }
  }
}

/** Why a case's URL form cannot be sent: the forms with the token's project id need to know it. */
export function urlFormSkipReason(form: NovaUrlProject | undefined, projectId: string | undefined): string | undefined {
  if ((form === 'own' || form === 'own-upper-case') && !projectId)
    return "the token's project id is unknown (no Keystone token body, no project id in the compute endpoint): set OS_PROJECT_ID";
  if (form === 'own-upper-case' && projectId && projectId.toUpperCase() === projectId)
    return `the token's project id ${projectId} has no lower-case letter to upper-case`;
  return undefined;
}
