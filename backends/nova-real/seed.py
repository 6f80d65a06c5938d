#!/usr/bin/python3
"""Seed servers into Nova's databases through Nova's own object layer
(no hypervisor, no scheduler): flavor, nova-compute Service + ComputeNode +
HostMapping, Instances (with instance_extra and an info_cache) +
InstanceMappings + RequestSpecs (the scheduling record 2.104's
pinned_availability_zone reads and writes).

Usage: /usr/bin/python3 seed.py <nova.conf> <spec.json> <out seed.json>

Idempotent: every seeded instance carries system_metadata conf_seed_key; a
re-run finds it and resets its user-editable fields (name, description,
access IPs, diskConfig, hostname, lock and power state, pinned availability
zone) to the seed values instead of creating a duplicate. Nothing is saved when nothing differs.
"""
import json
import sys
import uuid

FLAVOR_NAME = "conf.tiny"
FLAVOR_ID = "conf-tiny"
HOST = "conf-compute-1"
IMAGE_REF = "155d900f-4e14-4e4c-a73d-069cbf4541e6"
NETWORK_ID = "3cb9bc59-5699-4588-a4b1-b87f96708bc6"
SUBNET_ID = "6a6b1c36-0a7d-4c47-8d6e-6c3bbbf7d7a9"
# stable UUID namespace so port ids / macs are deterministic per server
NS = uuid.UUID("8a1e0a2c-3f0c-4b9e-9d3c-6f0b9a7e4c11")


def main():
    conf_path, spec_path, out_path = sys.argv[1:4]
    spec = json.load(open(spec_path))

    from nova import config
    from nova import context as nova_context
    from nova import objects

    objects.register_all()
    config.parse_args(["seed", "--config-file", conf_path])

    from nova.compute import power_state, vm_states
    from nova.network import model as net_model
    from nova import exception
    from oslo_utils import timeutils

    ctx = nova_context.get_admin_context()

    # ---- cell + host -------------------------------------------------
    cells = objects.CellMappingList.get_all(ctx)
    cell = [c for c in cells if not c.is_cell0()][0]

    try:
        objects.HostMapping.get_by_host(ctx, HOST)
    except exception.HostMappingNotFound:
        objects.HostMapping(ctx, host=HOST, cell_mapping=cell).create()

    # ---- flavor (API DB) -------------------------------------------------
    try:
        flavor = objects.Flavor.get_by_flavor_id(ctx, FLAVOR_ID)
    except exception.FlavorNotFound:
        flavor = objects.Flavor(ctx, name=FLAVOR_NAME, flavorid=FLAVOR_ID, memory_mb=512,
                                vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
                                rxtx_factor=1.0, vcpu_weight=0, disabled=False,
                                is_public=True, extra_specs={}, description=None)
        flavor.create()

    result = {"network_id": NETWORK_ID, "subnet_id": SUBNET_ID, "security_groups": {},
              "servers": [], "flavor_id": FLAVOR_ID, "host": HOST, "image_ref": IMAGE_REF}

    with nova_context.target_cell(ctx, cell) as cctx:
        # ---- nova-compute service record (so host_status reports UP) -----
        try:
            svc = objects.Service.get_by_args(cctx, HOST, "nova-compute")
        except exception.HostBinaryNotFound:
            svc = objects.Service(cctx, host=HOST, binary="nova-compute", topic="compute",
                                  report_count=1, disabled=False, forced_down=False)
            svc.create()
        else:
            svc.report_count = (svc.report_count or 0) + 1
            svc.save()  # refreshes updated_at
        # Newer releases look the compute node of a host up (Nova 34 needs one per seeded host).
        try:
            node = objects.ComputeNode.get_by_host_and_nodename(cctx, HOST, HOST)
        except exception.ComputeHostNotFound:
            node = objects.ComputeNode(
                cctx, host=HOST, hypervisor_hostname=HOST, uuid=str(uuid.uuid5(NS, "node-" + HOST)),
                service_id=svc.id, vcpus=8, memory_mb=16384, local_gb=100, vcpus_used=0,
                memory_mb_used=0, local_gb_used=0, hypervisor_type="fake", hypervisor_version=1,
                cpu_info="{}", disk_available_least=100, free_ram_mb=16384, free_disk_gb=100,
                current_workload=0, running_vms=0, host_ip="127.0.0.1", supported_hv_specs=[],
                pci_device_pools=objects.PciDevicePoolList(objects=[]), metrics="[]",
                extra_resources=None, stats={}, numa_topology=None, cpu_allocation_ratio=16.0,
                ram_allocation_ratio=1.5, disk_allocation_ratio=1.0, mapped=1)
            node.create()
        # Nova 34 instances on a node name their compute node (compute_id); Zed has no such field.
        node_ref = {"compute_id": node.id} if "compute_id" in objects.Instance.fields else {}

        flavor_for_instance = objects.Flavor.get_by_flavor_id(ctx, FLAVOR_ID)

        existing = {}
        for proj in {s["project_id"] for s in spec["servers"]}:
            insts = objects.InstanceList.get_by_filters(
                cctx, {"deleted": False, "project_id": proj},
                expected_attrs=["system_metadata", "info_cache"])
            for inst in insts:
                key = inst.system_metadata.get("conf_seed_key")
                if key:
                    existing[key] = inst

        for idx, s in enumerate(spec["servers"]):
            key = s["key"]
            proj = s["project_id"]
            result["security_groups"].setdefault(
                proj, str(uuid.uuid5(NS, "sg-" + proj)))
            inst = existing.get(key)
            want_shutoff = s.get("state") == "SHUTOFF"
            if inst is None:
                inst_uuid = str(uuid.uuid4())
                port_id = str(uuid.uuid5(NS, "port-" + inst_uuid))
                mac = "fa:16:3e:%02x:%02x:%02x" % tuple(uuid.UUID(port_id).bytes[:3])
                fixed_ip = "10.0.0.%d" % (10 + idx)
                floating_ip = "172.24.4.%d" % (10 + idx)
                subnet = net_model.Subnet(
                    cidr="10.0.0.0/24",
                    gateway=net_model.IP(address="10.0.0.1", type="gateway"),
                    ips=[net_model.FixedIP(address=fixed_ip, floating_ips=[
                        net_model.IP(address=floating_ip, type="floating", version=4)])],
                    version=4)
                network = net_model.Network(id=NETWORK_ID, bridge="br-int", label="private",
                                            subnets=[subnet])
                vif = net_model.VIF(id=port_id, address=mac, network=network, type="ovs",
                                    active=True, details={}, devname="tap" + port_id[:11],
                                    ovs_interfaceid=port_id, vnic_type="normal")
                inst = objects.Instance(
                    context=cctx, uuid=inst_uuid,
                    project_id=proj, user_id=s["user_id"],
                    display_name=s["name"], display_description=s["description"],
                    hostname=s["hostname"], host=HOST, node=HOST, launched_on=HOST, **node_ref,
                    availability_zone="nova",
                    flavor=flavor_for_instance, old_flavor=None, new_flavor=None,
                    instance_type_id=flavor_for_instance.id,
                    memory_mb=flavor_for_instance.memory_mb, vcpus=flavor_for_instance.vcpus,
                    root_gb=flavor_for_instance.root_gb,
                    ephemeral_gb=flavor_for_instance.ephemeral_gb,
                    image_ref=IMAGE_REF, kernel_id="", ramdisk_id="",
                    vm_state=vm_states.BUILDING, power_state=power_state.NOSTATE,
                    task_state=None, progress=0,
                    access_ip_v4=s["accessIPv4"], access_ip_v6=s["accessIPv6"],
                    auto_disk_config=False, config_drive="", key_name=None, key_data=None,
                    launch_index=0, reservation_id="r-" + inst_uuid[:8],
                    root_device_name="/dev/vda", locked=False, locked_by=None,
                    metadata={}, system_metadata={"conf_seed_key": key,
                                                  "image_base_image_ref": IMAGE_REF},
                    info_cache=objects.InstanceInfoCache(
                        network_info=net_model.NetworkInfo([vif])),
                    numa_topology=None,
                    pci_requests=objects.InstancePCIRequests(requests=[]),
                    keypairs=objects.KeyPairList(objects=[]),
                    trusted_certs=None, user_data=None, os_type="linux",
                    architecture="x86_64", vm_mode="hvm", cell_name=None,
                    ephemeral_key_uuid=None, shutdown_terminate=False,
                    disable_terminate=False)
                inst.create()
                objects.InstanceMapping(ctx, instance_uuid=inst_uuid, project_id=proj,
                                        user_id=s["user_id"], cell_mapping=cell,
                                        queued_for_delete=False).create()
                # as compute does after spawning: BUILDING -> ACTIVE sets updated_at
                inst.vm_state = vm_states.ACTIVE
                inst.power_state = power_state.RUNNING
                inst.launched_at = timeutils.utcnow()
                inst.save()
                created = True
            else:
                created = False
            # reset user-editable fields to the seed values (no-op when equal)
            inst.display_name = s["name"]
            inst.display_description = s["description"]
            inst.access_ip_v4 = s["accessIPv4"]
            inst.access_ip_v6 = s["accessIPv6"]
            inst.auto_disk_config = False
            inst.hostname = s["hostname"]
            inst.task_state = None
            inst.progress = 0
            if want_shutoff:
                inst.vm_state = vm_states.STOPPED
                inst.power_state = power_state.SHUTDOWN
            else:
                inst.vm_state = vm_states.ACTIVE
                inst.power_state = power_state.RUNNING
            if s.get("locked"):
                inst.locked = True
                inst.locked_by = "owner"
                if inst.system_metadata.get("locked_reason") != "conformance seed":
                    sm = dict(inst.system_metadata)
                    sm["locked_reason"] = "conformance seed"
                    inst.system_metadata = sm
            else:
                inst.locked = False
                inst.locked_by = None
                if "locked_reason" in inst.system_metadata:
                    sm = dict(inst.system_metadata)
                    sm.pop("locked_reason")
                    inst.system_metadata = sm
            if inst.obj_what_changed():
                inst.save()
            # The scheduling record, created as the conductor does at boot; unpinned like a plain boot.
            try:
                spec_obj = objects.RequestSpec.get_by_instance_uuid(ctx, inst.uuid)
            except exception.RequestSpecNotFound:
                spec_obj = objects.RequestSpec.from_components(
                    ctx, inst.uuid, objects.ImageMeta.from_dict({"id": IMAGE_REF, "properties": {}}),
                    flavor_for_instance, None, objects.InstancePCIRequests(requests=[]), {}, None,
                    None, project_id=proj, user_id=s["user_id"])
                spec_obj.create()
            if spec_obj.availability_zone is not None:
                spec_obj.availability_zone = None
                spec_obj.save()
            vif = inst.info_cache.network_info[0]
            fixed = [ip for ip in vif.fixed_ips()][0]
            result["servers"].append({
                "key": key, "id": inst.uuid, "name": s["name"], "project_id": proj,
                "user_id": s["user_id"], "state": "SHUTOFF" if want_shutoff else "ACTIVE",
                "locked": bool(s.get("locked")), "port_id": vif["id"], "mac": vif["address"],
                "fixed_ip": fixed["address"], "host": HOST, "created": created,
                "accessIPv4": s["accessIPv4"], "accessIPv6": s["accessIPv6"],
                "description": s["description"], "hostname": s["hostname"]})

    with open(out_path + ".tmp", "w") as f:
        json.dump(result, f, indent=1)
    import os
    os.replace(out_path + ".tmp", out_path)
    json.dump({"servers": [{k: v for k, v in x.items() if k in ("key", "id", "created")}
                           for x in result["servers"]]}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
