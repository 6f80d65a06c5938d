/**
 * The server representation of Update Server / Show Server per microversion, after Nova Zed
 * `nova/api/openstack/compute/views/servers.py` `show()` as called by `ServersController.update`
 * (reference §2 table):
 *   2.1 base keys (+progress for ACTIVE/BUILD/REBUILD/RESIZE/VERIFY_RESIZE/MIGRATING)
 *   2.9 locked · 2.19 description · 2.26 tags · 2.47 embedded flavor · 2.63 trusted_image_certificates
 *   2.71 server_groups · 2.73 locked_reason · 2.75 the GET extras (admin-only OS-EXT-SRV-ATTR:* and
 *   host_status for admins) · 2.90 OS-EXT-SRV-ATTR:hostname for everyone.
 * Targets configured above Zed's 2.93 also get master's 2.96 pinned_availability_zone,
 * 2.98 image.properties and 2.100 scheduler_hints.
 */

import { createHash } from 'node:crypto';
import { atLeast, type Microversion } from './microversion.ts';
import type { ServerRecord } from './store.ts';

export interface ViewContext {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The project id when the request URL carried one (links then carry it too). */
  urlProjectId?: string;
  admin: boolean;
}

const PROGRESS_STATUSES = new Set(['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING']);

// Every view of a server hashes the same two strings: computed once per pair.
const hostIds = new Map<string, string>();

function hostId(rec: ServerRecord): string {
  if (!rec.host) return '';
  const key = rec.projectId + rec.host;
  let id = hostIds.get(key);
  if (id === undefined) {
    id = createHash('sha224').update(key).digest('hex');
    hostIds.set(key, id);
  }
  return id;
}

function bookmark(ctx: ViewContext, collection: string, id: string): string {
  const p = ctx.urlProjectId ? `/${ctx.urlProjectId}` : '';
  return `${ctx.origin}${p}/${collection}/${id}`;
}

export function serverLinks(ctx: ViewContext, id: string): { rel: string; href: string }[] {
  const p = ctx.urlProjectId ? `/${ctx.urlProjectId}` : '';
  return [
    { rel: 'self', href: `${ctx.origin}/v2.1${p}/servers/${id}` },
    { rel: 'bookmark', href: `${ctx.origin}${p}/servers/${id}` },
  ];
}

export function serverView(rec: ServerRecord, mv: Microversion, ctx: ViewContext): Record<string, unknown> {
  const full = atLeast(mv, '2.75');
  const image: Record<string, unknown> = { id: rec.imageId, links: [{ rel: 'bookmark', href: bookmark(ctx, 'images', rec.imageId) }] };
  if (atLeast(mv, '2.98')) image.properties = { ...rec.imageProperties };
  const flavor = atLeast(mv, '2.47')
    ? {
        vcpus: rec.flavor.vcpus,
        ram: rec.flavor.ram,
        disk: rec.flavor.disk,
        ephemeral: rec.flavor.ephemeral,
        swap: rec.flavor.swap,
        original_name: rec.flavor.name,
        extra_specs: { ...rec.flavor.extraSpecs },
      }
    : { id: rec.flavor.id, links: [{ rel: 'bookmark', href: bookmark(ctx, 'flavors', rec.flavor.id) }] };
  const addresses: Record<string, unknown[]> = {};
  for (const [net, list] of Object.entries(rec.addresses)) {
    addresses[net] = list.map((a) =>
      full ? { version: a.version, addr: a.addr, 'OS-EXT-IPS:type': a.type, 'OS-EXT-IPS-MAC:mac_addr': a.mac } : { version: a.version, addr: a.addr },
    );
  }
  const s: Record<string, unknown> = {
    id: rec.id,
    name: rec.name,
    status: rec.status,
    tenant_id: rec.projectId,
    user_id: rec.userId,
    metadata: { ...rec.metadata },
    hostId: hostId(rec),
    image,
    flavor,
    created: rec.created,
    updated: rec.updated,
    addresses,
    accessIPv4: rec.accessIPv4,
    accessIPv6: rec.accessIPv6,
    links: serverLinks(ctx, rec.id),
    'OS-DCF:diskConfig': rec.autoDiskConfig ? 'AUTO' : 'MANUAL',
  };
  if (PROGRESS_STATUSES.has(rec.status)) s.progress = 0;
  if (full) {
    s['OS-EXT-AZ:availability_zone'] = rec.availabilityZone;
    s.config_drive = rec.configDrive;
    s.key_name = rec.keyName;
    s['OS-SRV-USG:launched_at'] = rec.launchedAt;
    s['OS-SRV-USG:terminated_at'] = null;
    s.security_groups = rec.securityGroups.map((name) => ({ name }));
    if (ctx.admin) {
      s['OS-EXT-SRV-ATTR:host'] = rec.host;
      s['OS-EXT-SRV-ATTR:instance_name'] = rec.instanceName;
      s['OS-EXT-SRV-ATTR:hypervisor_hostname'] = rec.hypervisorHostname;
      s['OS-EXT-SRV-ATTR:reservation_id'] = rec.reservationId;
      s['OS-EXT-SRV-ATTR:launch_index'] = rec.launchIndex;
      s['OS-EXT-SRV-ATTR:hostname'] = rec.hostname;
      s['OS-EXT-SRV-ATTR:kernel_id'] = rec.kernelId;
      s['OS-EXT-SRV-ATTR:ramdisk_id'] = rec.ramdiskId;
      s['OS-EXT-SRV-ATTR:root_device_name'] = rec.rootDeviceName;
      s['OS-EXT-SRV-ATTR:user_data'] = rec.userData;
    } else if (atLeast(mv, '2.90')) {
      s['OS-EXT-SRV-ATTR:hostname'] = rec.hostname;
    }
    s['OS-EXT-STS:task_state'] = rec.taskState;
    s['OS-EXT-STS:vm_state'] = rec.vmState;
    s['OS-EXT-STS:power_state'] = rec.powerState;
    s['os-extended-volumes:volumes_attached'] = [];
    if (ctx.admin) s.host_status = 'UP';
  }
  if (atLeast(mv, '2.9')) s.locked = rec.locked;
  if (atLeast(mv, '2.73')) s.locked_reason = rec.lockedReason;
  if (atLeast(mv, '2.19')) s.description = rec.description;
  if (atLeast(mv, '2.26')) s.tags = [...rec.tags];
  if (atLeast(mv, '2.63')) s.trusted_image_certificates = null;
  if (atLeast(mv, '2.71')) s.server_groups = [];
  if (atLeast(mv, '2.96')) s.pinned_availability_zone = rec.pinnedAvailabilityZone;
  if (atLeast(mv, '2.100')) s.scheduler_hints = {};
  return s;
}
