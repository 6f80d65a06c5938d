/**
 * Generated Update Server cases (engine/generate): the Nova families, one parameter_types.py rule each, pinned to
 * one microversion, and the suite's GenerationSpec. Family names, order and `suite` seed the streams: changing them
 * changes every case.
 */

import { brief, erase, type Family, type GenerationSpec, type GenOrigin, originSource } from '../../generate/family.ts';
import { type Arbitrary, fc } from '../../generate/fc.ts';
import * as A from './arbitraries.ts';
import type { MicroversionRange } from './microversions.ts';
import { type ServerCase, serverVariants } from './servers-update.ts';

/** Microversions a generated Nova case is pinned to (one variant each): the boundaries and Zed's max. */
const ALL_MV = ['2.1', '2.18', '2.19', '2.74', '2.75', '2.89', '2.90', '2.93'];
const DESCRIPTION_MV = ALL_MV.filter((v) => Number(v.split('.')[1]) >= 19);
const HOSTNAME_MV = ['2.90', '2.93'];
/** From 2.94 hostname is an FQDN (nova 27.0.0+, not Zed): a target whose maximum is lower skips these. */
const FQDN_MV = ['2.94', '2.100', '2.104'];
const BEFORE_DESCRIPTION_MV = ['2.1', '2.18'];
const BEFORE_HOSTNAME_MV = ['2.1', '2.19', '2.89'];

interface NovaInput<V> {
  value: V;
  mv: string;
}

const novaInput = <V>(value: Arbitrary<V>, mvs: string[]) => fc.record({ value, mv: fc.constantFrom(...mvs) });

const NAME_SOURCE = 'openstack/nova nova/api/validation/parameter_types.py@26.2.2#L291 name (valid_name_regex, minLength 1, maxLength 255)';
const IP_SOURCE =
  'openstack/nova nova/api/validation/parameter_types.py@26.2.2#L469 accessIPv4, accessIPv6 (type string, format ipv4/ipv6; jsonschema formats use ipaddress)';
const HOST_SOURCE =
  'openstack/nova nova/api/validation/parameter_types.py@26.2.2#L273 hostname (minLength 2, maxLength 63, ^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$)';
const FQDN_SOURCE =
  'openstack/nova nova/api/openstack/compute/schemas/servers.py@27.0.0#L400 update_v294 (hostname = parameter_types.fqdn: minLength 1, maxLength 255, ^[a-zA-Z0-9-._]*$)';
const SCHEMA_SOURCE = 'openstack/nova nova/api/openstack/compute/schemas/servers.py@26.2.2#L372 update, update_v219, update_v290 (additionalProperties: false)';
const DESC_SOURCE = 'openstack/nova nova/api/validation/parameter_types.py@26.2.2#L331 description (maxLength 255, printable pattern)';

function novaAllowed(
  o: GenOrigin,
  family: string,
  field: string,
  pointer: string,
  sent: unknown,
  shown: unknown,
  mv: string,
  source: string[],
  setup?: Record<string, unknown>,
): ServerCase {
  const gated = field === 'description' || field === 'hostname';
  return {
    id: o.id,
    title: `Generated: ${field} ${brief(sent)} at ${mv} is accepted and persisted`,
    kind: 'allowed',
    fields: [field],
    tags: ['upstream', 'positive', 'effect', ...(gated ? (['version-specific'] as const) : [])],
    versions: { min: mv, max: mv },
    ...(setup ? { setup: { server: setup } } : {}),
    request: { body: { server: { [field]: sent } } },
    expect: { status: 200, effect: [{ pointer, value: shown }] },
    source: [...source, originSource(o, family)],
  };
}

function novaForbidden(o: GenOrigin, family: string, field: string, sent: unknown, mv: string, source: string[]): ServerCase {
  const gated = field === 'description' || field === 'hostname';
  return {
    id: o.id,
    title: `Generated: ${field} ${brief(sent)} at ${mv} is rejected with 400`,
    kind: 'forbidden',
    fields: [field],
    tags: ['upstream', 'negative', 'field-validation', ...(gated ? (['version-specific'] as const) : [])],
    versions: { min: mv, max: mv },
    request: { body: { server: { [field]: sent } } },
    expect: { status: 400, error: { fault: 'badRequest', messageIncludes: [field] } },
    source: [...source, originSource(o, family)],
  };
}

const name: Family<NovaInput<string>> = {
  name: 'name',
  rules: ['nova.name.applied', 'nova.name.min-length:accepted', 'nova.name.max-length:accepted', 'nova.name.inner-space', 'nova.name.printable'],
  suite: 'nova',
  kind: 'allowed',
  rule: 'a printable name of 1–255 characters without whitespace at either end is accepted and stored verbatim',
  arbitrary: () => novaInput(A.validServerName(), ALL_MV),
  build: ({ value, mv }, o) => novaAllowed(o, 'name', 'name', '/server/name', value, value, mv, [NAME_SOURCE], { name: 'uc-gen-before' }),
};

const nameInvalid: Family<NovaInput<string>> = {
  name: 'name-invalid',
  rules: ['nova.name.min-length:rejected', 'nova.name.max-length:rejected', 'nova.name.edge-whitespace', 'nova.name.control-characters', 'nova.name.bmp-only'],
  suite: 'nova',
  kind: 'forbidden',
  rule: 'an empty, over-long, whitespace-edged, control- or non-BMP-character name is rejected with 400 badRequest',
  arbitrary: () => novaInput(A.invalidServerName(), ALL_MV),
  build: ({ value, mv }, o) =>
    novaForbidden(o, 'name-invalid', 'name', value, mv, [NAME_SOURCE, 'openstack/nova nova/api/validation/validators.py@26.2.2#L118 _validate_name']),
};

const ipv4: Family<NovaInput<string>> = {
  name: 'ipv4',
  rules: ['nova.access-ipv4.applied', 'nova.access-ipv4.format'],
  suite: 'nova',
  kind: 'allowed',
  rule: 'a dotted-quad accessIPv4 is accepted and stored',
  arbitrary: () => novaInput(A.validIPv4(), ALL_MV),
  build: ({ value, mv }, o) => novaAllowed(o, 'ipv4', 'accessIPv4', '/server/accessIPv4', value, value, mv, [IP_SOURCE]),
};

const ipv4Invalid: Family<NovaInput<string>> = {
  name: 'ipv4-invalid',
  rules: ['nova.access-ipv4.format'],
  suite: 'nova',
  kind: 'forbidden',
  rule: 'an accessIPv4 that is not a dotted-quad address is rejected with 400 badRequest',
  arbitrary: () => novaInput(A.invalidIPv4(), ALL_MV),
  build: ({ value, mv }, o) => novaForbidden(o, 'ipv4-invalid', 'accessIPv4', value, mv, [IP_SOURCE]),
};

const ipv6: Family<NovaInput<A.IPv6Sample>> = {
  name: 'ipv6',
  rules: ['nova.access-ipv6.applied', 'nova.access-ipv6.format', 'nova.access-ipv6.canonical'],
  suite: 'nova',
  kind: 'allowed',
  rule: 'an IPv6 accessIPv6 in any written form is accepted and shown in the compressed canonical form',
  arbitrary: () => novaInput(A.validIPv6(), ALL_MV),
  build: ({ value, mv }, o) =>
    novaAllowed(o, 'ipv6', 'accessIPv6', '/server/accessIPv6', value.written, value.canonical, mv, [
      IP_SOURCE,
      'openstack/nova nova/objects/instance.py@26.2.2#L182 access_ip_v6 (IPV6AddressField, netaddr)',
      'openstack/nova nova/api/openstack/compute/views/servers.py@26.2.2#L221 ViewBuilder.show (str(ip_v6))',
    ]),
};

const ipv6Invalid: Family<NovaInput<string>> = {
  name: 'ipv6-invalid',
  rules: ['nova.access-ipv6.format'],
  suite: 'nova',
  kind: 'forbidden',
  rule: 'an accessIPv6 that is not an IPv6 address (or carries a zone id) is rejected with 400 badRequest',
  arbitrary: () => novaInput(A.invalidIPv6(), ALL_MV),
  build: ({ value, mv }, o) => novaForbidden(o, 'ipv6-invalid', 'accessIPv6', value, mv, [IP_SOURCE]),
};

const hostname: Family<NovaInput<string>> = {
  name: 'hostname',
  rules: [
    'nova.hostname.applied',
    'nova.hostname.min-microversion:accepted',
    'nova.hostname.v290-min-length:accepted',
    'nova.hostname.v290-max-length:accepted',
    'nova.hostname.v290-pattern',
  ],
  suite: 'nova',
  kind: 'allowed',
  rule: 'from 2.90 (to 2.93) a hostname of 2–63 letters, digits and inner dashes is accepted and shown as OS-EXT-SRV-ATTR:hostname',
  arbitrary: () => novaInput(A.validHostname(), HOSTNAME_MV),
  build: ({ value, mv }, o) => novaAllowed(o, 'hostname', 'hostname', '/server/OS-EXT-SRV-ATTR:hostname', value, value, mv, [HOST_SOURCE]),
};

const hostnameInvalid: Family<NovaInput<string>> = {
  name: 'hostname-invalid',
  rules: ['nova.hostname.v290-min-length:rejected', 'nova.hostname.v290-max-length:rejected', 'nova.hostname.v290-pattern'],
  suite: 'nova',
  kind: 'forbidden',
  rule: 'at 2.90–2.93 a hostname outside the pattern or 2–63 characters is rejected with 400 badRequest',
  arbitrary: () => novaInput(A.invalidHostname(), HOSTNAME_MV),
  build: ({ value, mv }, o) => novaForbidden(o, 'hostname-invalid', 'hostname', value, mv, [HOST_SOURCE]),
};

const description: Family<NovaInput<string>> = {
  name: 'description',
  rules: ['nova.description.applied', 'nova.description.min-microversion:accepted', 'nova.description.max-length:accepted', 'nova.description.pattern'],
  suite: 'nova',
  kind: 'allowed',
  rule: 'from 2.19 a printable description of at most 255 characters is accepted and stored verbatim',
  arbitrary: () => novaInput(A.validDescription(), DESCRIPTION_MV),
  build: ({ value, mv }, o) => novaAllowed(o, 'description', 'description', '/server/description', value, value, mv, [DESC_SOURCE]),
};

const descriptionInvalid: Family<NovaInput<string>> = {
  name: 'description-invalid',
  rules: ['nova.description.max-length:rejected', 'nova.description.pattern'],
  suite: 'nova',
  kind: 'forbidden',
  rule: 'from 2.19 an over-long, control- or non-BMP-character description is rejected with 400 badRequest',
  arbitrary: () => novaInput(A.invalidDescription(), DESCRIPTION_MV),
  build: ({ value, mv }, o) => novaForbidden(o, 'description-invalid', 'description', value, mv, [DESC_SOURCE]),
};

const hostnameFqdn: Family<NovaInput<string>> = {
  name: 'hostname-fqdn',
  suite: 'nova',
  kind: 'allowed',
  rules: ['nova.hostname.applied', 'nova.hostname.fqdn-min-length:accepted', 'nova.hostname.fqdn-max-length:accepted', 'nova.hostname.fqdn-pattern'],
  rule: 'from 2.94 a hostname of dot-joined labels up to 255 characters is accepted and shown as OS-EXT-SRV-ATTR:hostname',
  arbitrary: () => novaInput(A.validFqdnHostname(), FQDN_MV),
  build: ({ value, mv }, o) => novaAllowed(o, 'hostname-fqdn', 'hostname', '/server/OS-EXT-SRV-ATTR:hostname', value, value, mv, [FQDN_SOURCE]),
};

const hostnameFqdnInvalid: Family<NovaInput<string>> = {
  name: 'hostname-fqdn-invalid',
  suite: 'nova',
  kind: 'forbidden',
  rules: ['nova.hostname.fqdn-min-length:rejected', 'nova.hostname.fqdn-max-length:rejected', 'nova.hostname.fqdn-pattern'],
  rule: 'from 2.94 an empty or over-long hostname, or one with a character outside [a-zA-Z0-9-._], is rejected with 400 badRequest',
  arbitrary: () => novaInput(A.invalidFqdnHostname(), FQDN_MV),
  build: ({ value, mv }, o) => novaForbidden(o, 'hostname-fqdn-invalid', 'hostname', value, mv, [FQDN_SOURCE]),
};

const descriptionTooEarly: Family<NovaInput<string>> = {
  name: 'description-before-2-19',
  suite: 'nova',
  kind: 'forbidden',
  rules: ['nova.description.min-microversion:rejected'],
  rule: 'below 2.19 any description, even a valid one, is rejected with 400 badRequest (not in the request schema)',
  arbitrary: () => novaInput(A.validDescription(), BEFORE_DESCRIPTION_MV),
  build: ({ value, mv }, o) => novaForbidden(o, 'description-before-2-19', 'description', value, mv, [SCHEMA_SOURCE]),
};

const hostnameTooEarly: Family<NovaInput<string>> = {
  name: 'hostname-before-2-90',
  suite: 'nova',
  kind: 'forbidden',
  rules: ['nova.hostname.min-microversion:rejected'],
  rule: 'below 2.90 any hostname, even a valid one, is rejected with 400 badRequest (not in the request schema)',
  arbitrary: () => novaInput(A.validHostname(), BEFORE_HOSTNAME_MV),
  build: ({ value, mv }, o) => novaForbidden(o, 'hostname-before-2-90', 'hostname', value, mv, [SCHEMA_SOURCE]),
};

/** The reference backend's range (Zed), used when the caller knows no target's range. */
const REFERENCE_RANGE: MicroversionRange = { min: '2.1', max: '2.93' };

export const novaGeneration: GenerationSpec = {
  suite: 'nova',
  idPrefix: 'nova.servers.update',
  document: 'shared/seeds/004_bf554c4f5f4b9a7c.txt',
  families: [
    erase(name),
    erase(nameInvalid),
    erase(ipv4),
    erase(ipv4Invalid),
    erase(ipv6),
    erase(ipv6Invalid),
    erase(hostname),
    erase(hostnameInvalid),
    erase(description),
    erase(descriptionInvalid),
    erase(hostnameFqdn),
    erase(hostnameFqdnInvalid),
    erase(descriptionTooEarly),
    erase(hostnameTooEarly),
  ],
  // Each case pins one microversion: one variant, `unsupported` (skipped) when it lies outside the target's range.
  variantsOf: (cases, range = REFERENCE_RANGE) => serverVariants(cases as ServerCase[], range),
};
