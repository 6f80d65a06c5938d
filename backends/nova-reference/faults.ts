/**
 * Fault bodies as Nova writes them, and the switchable defects ("faults") the reference backend can
 * be told to exhibit so that the suite can prove each of its checks catches something.
 *
 * Nova's fault names come from `nova/api/openstack/wsgi.py` `Fault._fault_names` (Zed 26.2.2): any
 * status without a name there (406 among them) is reported as `computeFault`.
 */

import { parseFaultList } from '../shared/fault-list.ts';

export const FAULT_NAMES: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** The fault key Nova uses for a status. */
export function faultName(status: number): string {
  return FAULT_NAMES[status] ?? 'computeFault';
}

/** `{"<faultName>": {"code": <status>, "message": <message>}}` */
export function novaFaultBody(status: number, message: string): Record<string, { code: number; message: string }> {
  return { [faultName(status)]: { code: status, message } };
}

/** keystonemiddleware's 401 body (not a Nova fault). */
export function keystoneUnauthorizedBody(): { error: { code: number; title: string; message: string } } {
  return { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } };
}

export type NovaFault =
  | 'accept-create-only-params'
  | 'partial-apply'
  | 'drop-allowed-change'
  | 'response-before-write'
  | 'touch-other-field'
  | 'no-ip-normalization'
  | 'wrong-fault-key'
  | 'error-not-json'
  | 'extra-response-key'
  | 'missing-response-key'
  | 'no-version-header'
  | 'wrong-version-echo'
  | 'ignore-microversion'
  | 'default-to-latest'
  | 'reject-latest'
  | 'ignore-legacy-header'
  | 'version-errors-swapped'
  | 'other-project-403'
  | 'no-auth'
  | 'accept-any-content-type'
  | 'reject-missing-content-type'
  | 'unrouted-405'
  | 'lenient-name'
  | 'strict-name-length'
  | 'ascii-only-names'
  | 'lenient-ip'
  | 'lenient-disk-config'
  | 'lenient-description'
  | 'lenient-hostname'
  | 'lenient-body-shape'
  | 'malformed-json-500'
  | 'reset-access-ipv4'
  | 'update-204-no-body'
  | 'json-as-text-plain'
  | 'update-checks-lock'
  | 'update-checks-state'
  | 'policy-defaults-swapped'
  | 'pin-any-zone'
  | 'no-fqdn-hostname'
  | 'ipv4-leading-zeros'
  | 'url-project-unchecked'
  | 'url-project-any-case'
  | 'no-project-url'
  | 'project-url-only'
  | 'ignore-non-string-fields'
  | 'lenient-pinned-az-length'
  | 'legacy-header-wins'
  | 'accept-next-microversion'
  | 'max-microversion-exclusive'
  | 'no-body-size-limit'
  | 'body-limit-off-by-one';

export interface NovaFaultInfo {
  name: NovaFault;
  /** The check family expected to catch it. */
  family: string;
  description: string;
}

export const NOVA_FAULTS: readonly NovaFaultInfo[] = [
  {
    name: 'accept-create-only-params',
    family: 'status-code',
    description:
      'additionalProperties is not enforced inside "server": create-only keys (metadata, key_name, imageRef, ...) and read-only ones are accepted with 200; metadata is merged and key_name stored.',
  },
  {
    name: 'partial-apply',
    family: 'immutability',
    description: 'When the body fails validation, the editable fields in it that are valid on their own are saved before the 400 is returned.',
  },
  {
    name: 'drop-allowed-change',
    family: 'effect',
    description: 'A 200 update shows the new values in the response but never saves them (the next GET shows the old state).',
  },
  {
    name: 'response-before-write',
    family: 'effect',
    description: 'A 200 update saves the change but the response body shows the server as it was before the update.',
  },
  {
    name: 'touch-other-field',
    family: 'immutability',
    description: 'Every 200 update also writes metadata["uc-touched"] (a field the update must not change).',
  },
  {
    name: 'no-ip-normalization',
    family: 'effect',
    description: 'accessIPv6 is stored and shown as sent instead of in the canonical compressed form Nova (netaddr) produces.',
  },
  {
    name: 'wrong-fault-key',
    family: 'error-body',
    description: 'Every Nova fault body uses the key "computeFault" instead of badRequest/itemNotFound/badMediaType/... (the code stays right).',
  },
  {
    name: 'error-not-json',
    family: 'error-body',
    description: 'Error answers are text/plain sentences instead of JSON fault bodies.',
  },
  {
    name: 'extra-response-key',
    family: 'response-schema',
    description: 'The success body carries keys the microversion must not have: "pinned_availability_zone" (2.96+) always, and "description" below 2.19.',
  },
  {
    name: 'missing-response-key',
    family: 'response-schema',
    description: 'The success body lacks a required key: "links" always, and "description" from 2.19.',
  },
  {
    name: 'no-version-header',
    family: 'headers',
    description: 'No OpenStack-API-Version / X-OpenStack-Nova-API-Version / Vary headers on any answer.',
  },
  {
    name: 'wrong-version-echo',
    family: 'headers',
    description: 'OpenStack-API-Version is echoed without the service name ("2.19" instead of "compute 2.19").',
  },
  {
    name: 'ignore-microversion',
    family: 'status-code',
    description: 'The 2.90 request schema is used at every microversion, so description (<2.19) and hostname (<2.90) are accepted too early.',
  },
  {
    name: 'default-to-latest',
    family: 'headers',
    description: 'A request without any microversion header is served at the maximum microversion instead of 2.1.',
  },
  {
    name: 'reject-latest',
    family: 'status-code',
    description: '"latest" is refused as a malformed version string (400) instead of meaning the maximum.',
  },
  {
    name: 'ignore-legacy-header',
    family: 'status-code',
    description: 'The legacy X-OpenStack-Nova-API-Version header is ignored (the request runs at 2.1).',
  },
  {
    name: 'version-errors-swapped',
    family: 'status-code',
    description: 'A malformed version string gets 406 and an out-of-range version gets 400 (the other way round from Nova).',
  },
  {
    name: 'other-project-403',
    family: 'status-code',
    description: "Another project's server answers 403 forbidden instead of 404 itemNotFound (leaks its existence).",
  },
  {
    name: 'no-auth',
    family: 'status-code',
    description: 'Missing and bogus tokens are accepted (the request runs as member-a).',
  },
  {
    name: 'accept-any-content-type',
    family: 'status-code',
    description: 'Any Content-Type (application/xml included) is parsed as JSON instead of answering 415.',
  },
  {
    name: 'reject-missing-content-type',
    family: 'status-code',
    description: 'A body without Content-Type (or text/plain) answers 415 instead of being parsed as JSON.',
  },
  {
    name: 'unrouted-405',
    family: 'status-code',
    description: "PATCH/POST on /servers/{id} answer 405 badMethod instead of the router's plain 404.",
  },
  {
    name: 'lenient-name',
    family: 'status-code',
    description:
      'name is barely checked: empty, over-long, whitespace-edged, control-character and non-BMP names are accepted, numbers are stored as text and null is ignored.',
  },
  {
    name: 'strict-name-length',
    family: 'status-code',
    description: 'name maxLength is 254 instead of 255 (a 255-character name is refused).',
  },
  {
    name: 'ascii-only-names',
    family: 'status-code',
    description: 'Names with non-ASCII characters are refused with 400.',
  },
  {
    name: 'lenient-ip',
    family: 'status-code',
    description: 'accessIPv4/accessIPv6 accept any string, "" and null (which clear the address).',
  },
  {
    name: 'lenient-disk-config',
    family: 'status-code',
    description:
      'OS-DCF:diskConfig accepts any string (lowercase is upper-cased, unknown values become MANUAL) or null (ignored), and the unprefixed "diskConfig" key is taken as an alias.',
  },
  {
    name: 'lenient-description',
    family: 'status-code',
    description: 'description (2.19+) is barely checked: no length limit, control and non-BMP characters accepted, numbers stored as text.',
  },
  {
    name: 'lenient-hostname',
    family: 'status-code',
    description: 'hostname (2.90+) is only length-checked (up to 255): dots, underscores, edge dashes, single characters and "" are accepted, null is ignored.',
  },
  {
    name: 'lenient-body-shape',
    family: 'status-code',
    description:
      'A body that is not {"server": {...}} (no server key, server not an object, [], null, extra top-level keys) is treated as an empty update (200).',
  },
  {
    name: 'malformed-json-500',
    family: 'status-code',
    description: 'Malformed JSON and empty bodies crash the handler: 500 computeFault instead of 400 badRequest.',
  },
  {
    name: 'reset-access-ipv4',
    family: 'immutability',
    description: 'An accepted update that does not set accessIPv4 resets it to "" (its default) as a side effect.',
  },
  {
    name: 'update-204-no-body',
    family: 'status-code',
    description: 'An accepted update answers 204 with no body instead of 200 with the server.',
  },
  {
    name: 'json-as-text-plain',
    family: 'headers',
    description: 'JSON answers (servers and faults) carry Content-Type text/plain instead of application/json.',
  },
  {
    name: 'update-checks-lock',
    family: 'status-code',
    description: 'Updating a locked server answers 409 conflictingRequest, even for its owner (Nova has no lock check on update).',
  },
  {
    name: 'update-checks-state',
    family: 'status-code',
    description: 'Updating a SHUTOFF server answers 409 conflictingRequest (Nova has no state check on update).',
  },
  {
    name: 'policy-defaults-swapped',
    family: 'status-code',
    description:
      "The policy defaults of the other releases: a reader-only user may update where the release enforces the new defaults (2.95+), and is refused with 403 on Zed's old defaults.",
  },
  {
    name: 'pin-any-zone',
    family: 'status-code',
    description: 'pinned_availability_zone (2.104) takes any zone name: no 409 for another zone or for moving an existing pin.',
  },
  {
    name: 'no-fqdn-hostname',
    family: 'status-code',
    description: "hostname keeps the 2.90 rules at 2.94+ (2-63 characters, letters, digits and inner dashes), instead of 2.94's FQDN pattern.",
  },
  {
    name: 'ipv4-leading-zeros',
    family: 'status-code',
    description: 'accessIPv4 octets may carry leading zeros ("01.2.3.4"), as Python\'s ipaddress allowed before 3.9.5.',
  },
  {
    name: 'url-project-unchecked',
    family: 'status-code',
    description: "The URL's project id is not compared with the token's: /v2.1/{another project}/servers/{id} updates the server (200).",
  },
  {
    name: 'url-project-any-case',
    family: 'status-code',
    description:
      "The URL's project id is routed and compared without regard to case: the token's id upper-cased updates the server instead of matching no route (404).",
  },
  {
    name: 'no-project-url',
    family: 'status-code',
    description: "Only /v2.1/servers/{id} is routed: the seed's /v2.1/{tenant_id}/servers/{id} answers a plain 404.",
  },
  {
    name: 'project-url-only',
    family: 'status-code',
    description: 'Only /v2.1/{tenant_id}/servers/{id} is routed: /v2.1/servers/{id} answers a plain 404.',
  },
  {
    name: 'ignore-non-string-fields',
    family: 'status-code',
    description:
      'A number or boolean in accessIPv4, accessIPv6, OS-DCF:diskConfig, hostname or pinned_availability_zone is dropped (as by a typed binder) instead of refused: the update answers 200.',
  },
  {
    name: 'lenient-pinned-az-length',
    family: 'status-code',
    description: 'pinned_availability_zone (2.104) has no length limit: a 256-character zone meets the zone rule (409) instead of the schema (400).',
  },
  {
    name: 'legacy-header-wins',
    family: 'status-code',
    description: 'With both headers, X-OpenStack-Nova-API-Version wins over OpenStack-API-Version.',
  },
  {
    name: 'accept-next-microversion',
    family: 'status-code',
    description: 'The microversion one above the maximum is served as the maximum instead of refused with 406.',
  },
  {
    name: 'max-microversion-exclusive',
    family: 'status-code',
    description: 'The advertised maximum microversion itself is refused with 406 (an exclusive range check); "latest" still works.',
  },
  {
    name: 'no-body-size-limit',
    family: 'status-code',
    description: 'Request bodies of any size are read and validated: no 413 above 114688 bytes.',
  },
  {
    name: 'body-limit-off-by-one',
    family: 'status-code',
    description: 'A body of exactly 114688 bytes (the limit) is refused with 413 (>= instead of >).',
  },
];

/** Parses a comma-separated fault list (e.g. `NOVA_REFERENCE_FAULTS`), rejecting unknown names. */
export function parseFaults(value: string | undefined): NovaFault[] {
  return parseFaultList(value, NOVA_FAULTS, { noun: 'fault' });
}
