/** In-memory servers of the reference backend, seeded in two projects. */

import { randomUUID } from 'node:crypto';

export interface FlavorRecord {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  ephemeral: number;
  swap: number;
  extraSpecs: Record<string, string>;
}

export interface AddressRecord {
  version: 4 | 6;
  addr: string;
  type: 'fixed' | 'floating';
  mac: string;
}

export interface ServerRecord {
  id: string;
  projectId: string;
  userId: string;
  name: string;
  status: string;
  vmState: string;
  powerState: number;
  taskState: string | null;
  accessIPv4: string;
  accessIPv6: string;
  autoDiskConfig: boolean;
  description: string | null;
  hostname: string;
  metadata: Record<string, string>;
  imageId: string;
  imageProperties: Record<string, string>;
  flavor: FlavorRecord;
  /** Nova's `updated`/`created` are shown as `%Y-%m-%dT%H:%M:%SZ`. */
  created: string;
  updated: string;
  launchedAt: string;
  addresses: Record<string, AddressRecord[]>;
  keyName: string | null;
  locked: boolean;
  lockedReason: string | null;
  tags: string[];
  availabilityZone: string;
  /** The RequestSpec's availability_zone (2.96 shows it, 2.104 sets it); null when unpinned. */
  pinnedAvailabilityZone: string | null;
  host: string;
  hypervisorHostname: string;
  instanceName: string;
  reservationId: string;
  launchIndex: number;
  configDrive: string;
  securityGroups: string[];
  userData: string | null;
  kernelId: string;
  ramdiskId: string;
  rootDeviceName: string;
}

export const FLAVORS: readonly FlavorRecord[] = [
  { id: '1', name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0, extraSpecs: {} },
  { id: '2', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20, ephemeral: 0, swap: 0, extraSpecs: { 'hw:cpu_policy': 'shared' } },
];

export const IMAGE_ID = '70a599e0-31e7-49b7-b260-868f441e862b';

/** Nova's API timestamp format. */
export function novaTime(d: Date = new Date()): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** `OS-SRV-USG:launched_at` style (naive isoformat with microseconds). */
function usgTime(d: Date): string {
  return `${d.toISOString().slice(0, 23)}000`;
}

export interface CreateServerInput {
  projectId: string;
  userId: string;
  name: string;
  imageRef: string;
  flavorRef: string;
  accessIPv4?: string;
  accessIPv6?: string;
  autoDiskConfig?: boolean;
  description?: string | null;
  metadata?: Record<string, string>;
  keyName?: string | null;
  hostname?: string;
}

export class ServerStore {
  private readonly servers = new Map<string, ServerRecord>();
  private counter = 0;
  private seeded: ServerRecord[] = [];

  get(id: string): ServerRecord | undefined {
    return this.servers.get(id);
  }

  list(projectId?: string): ServerRecord[] {
    return [...this.servers.values()].filter((s) => projectId === undefined || s.projectId === projectId);
  }

  put(rec: ServerRecord): void {
    this.servers.set(rec.id, rec);
  }

  delete(id: string): boolean {
    return this.servers.delete(id);
  }

  create(input: CreateServerInput, at: Date = new Date()): ServerRecord {
    this.counter += 1;
    const n = this.counter;
    const flavor = FLAVORS.find((f) => f.id === input.flavorRef) ?? FLAVORS[0];
    if (!flavor) throw new Error('no flavors');
    const hostname =
      input.hostname ??
      (input.name
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 63) ||
        `server-${n}`);
    const rec: ServerRecord = {
      id: randomUUID(),
      projectId: input.projectId,
      userId: input.userId,
      name: input.name,
      status: 'ACTIVE',
      vmState: 'active',
      powerState: 1,
      taskState: null,
      accessIPv4: input.accessIPv4 ?? '',
      accessIPv6: input.accessIPv6 ?? '',
      autoDiskConfig: input.autoDiskConfig ?? false,
      description: input.description ?? null,
      hostname,
      metadata: { ...(input.metadata ?? {}) },
      imageId: input.imageRef.replace(/^.*\//, ''),
      imageProperties: { os_distro: 'cirros' },
      flavor: { ...flavor, extraSpecs: { ...flavor.extraSpecs } },
      created: novaTime(at),
      updated: novaTime(at),
      launchedAt: usgTime(at),
      addresses: {
        private: [
          { version: 4, addr: `10.0.0.${(n % 250) + 3}`, type: 'fixed', mac: `fa:16:3e:00:00:${(n % 256).toString(16).padStart(2, '0')}` },
          { version: 6, addr: `fd00::${(n + 2).toString(16)}`, type: 'fixed', mac: `fa:16:3e:00:00:${(n % 256).toString(16).padStart(2, '0')}` },
        ],
      },
      keyName: input.keyName ?? null,
      locked: false,
      lockedReason: null,
      tags: [],
      availabilityZone: 'nova',
      pinnedAvailabilityZone: null,
      host: 'compute-1',
      hypervisorHostname: 'compute-1.example.org',
      instanceName: `instance-${n.toString(16).padStart(8, '0')}`,
      reservationId: `r-${randomUUID().slice(0, 8)}`,
      launchIndex: 0,
      configDrive: '',
      securityGroups: ['default'],
      userData: null,
      kernelId: '',
      ramdiskId: '',
      rootDeviceName: '/dev/vda',
    };
    this.servers.set(rec.id, rec);
    return rec;
  }

  /** Eight servers in project A (as many as the embedded run has cases in flight) and two in project B, each fully populated. */
  seed(projectA: { id: string; userId: string }, projectB: { id: string; userId: string }): { a: string[]; b: string[] } {
    const at = new Date('2024-01-15T10:00:00Z');
    const make = (p: { id: string; userId: string }, label: string, i: number): string => {
      const rec = this.create(
        {
          projectId: p.id,
          userId: p.userId,
          name: `uc-seed-${label}${i}`,
          imageRef: IMAGE_ID,
          flavorRef: i % 2 === 0 ? '2' : '1',
          accessIPv4: `192.0.2.${10 + i + (label === 'b' ? 50 : 0)}`,
          accessIPv6: `2001:db8::${(0x10 + i + (label === 'b' ? 0x50 : 0)).toString(16)}`,
          autoDiskConfig: false,
          description: `seeded server ${label}${i}`,
          metadata: { role: 'conformance-seed', index: String(i) },
          keyName: `uc-key-${label}`,
          hostname: `uc-seed-${label}${i}`,
        },
        at,
      );
      return rec.id;
    };
    const a = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => make(projectA, 'a', i));
    const b = [1, 2].map((i) => make(projectB, 'b', i));
    this.seeded = [...a, ...b].map((id) => structuredClone(this.servers.get(id) as ServerRecord));
    return { a, b };
  }

  /** Puts every seeded server back as it was seeded (servers created later are kept). */
  resetSeeded(): void {
    for (const rec of this.seeded) this.servers.set(rec.id, structuredClone(rec));
  }
}
