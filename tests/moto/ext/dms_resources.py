"""dms_resources.py - DMS replication instances, endpoints, subnet groups and tags on moto's models.

What moto 5.2.1 lacks or does differently from AWS, and what this module changes:
- Replication instances: moto has "creating" -> "available" only and deletes at once.
  Added: ModifyReplicationInstance ("modifying" -> "available", PendingModifiedValues applied
  at the end; without ApplyImmediately class/storage/Multi-AZ/engine/network changes stay
  pending as on AWS), delete shows "deleting" until the next step, then the instance is gone
  (ResourceNotFoundFault, which the ReplicationInstanceDeleted waiter expects). Deleting an
  instance that still has tasks is refused (InvalidResourceStateFault), as on AWS.
- Endpoints: moto keeps them "creating" forever. Now "creating" -> "active" and
  "deleting" -> gone. Added ModifyEndpoint (settings merged unless ExactSettings).
  Deleting an endpoint that a task uses is refused.
- Subnet groups: moto ignores SubnetIds (answers a fixed subnet-12345/vpc-12345) and tags by
  identifier. Now the group keeps its subnets, answers their real VPC/AZ from moto's EC2,
  rejects unknown subnets (InvalidSubnet) and groups covering fewer than two AZs
  (ReplicationSubnetGroupDoesNotCoverEnoughAZs); has the ARN
  arn:aws:dms:REGION:ACCOUNT:subgrp:IDENTIFIER; added ModifyReplicationSubnetGroup; deleting
  a group used by an instance is refused.
- Tags: added AddTagsToResource / RemoveTagsFromResource; ListTagsForResource now checks the
  resource exists and covers all four resource types.
- Describe calls page with Marker/MaxRecords, move resources one lifecycle step (see
  lifecycle.py) and answer ResourceNotFoundFault when filters match nothing, as AWS does.
- Timestamps are sent as epoch seconds (the JSON protocol's format), not ISO strings.
- The tagging API (GetResources) no longer lists DMS resources whose deletion finished.
"""
import json

from moto.dms import models as dm
from moto.dms.responses import DatabaseMigrationServiceResponse as R
from moto.ec2.models import ec2_backends
from moto.utilities.utils import get_partition

from . import lifecycle
from .common import DmsFault, bad_state, body, compact, epoch, invalid, not_found, page

B = dm.DatabaseMigrationServiceBackend

# ---------------------------------------------------------------- lifecycles


def _instance_next(inst, status):
    return {"creating": "available", "modifying": "available",
            "deleting": "deleted"}.get(status)


def _instance_entered(inst, old, new):
    if old == "modifying" and new == "available":
        _apply_instance_pending(inst)


def _endpoint_next(ep, status):
    return {"creating": "active", "deleting": "deleted"}.get(status)


lifecycle.install(dm.FakeReplicationInstance, "dms::replicationinstance", _instance_next,
                  _instance_entered)
lifecycle.install(dm.Endpoint, "dms::endpoint", _endpoint_next)


def _live(objs):
    """Objects whose lifecycle has not ended (reading status also lets it step)."""
    return [o for o in objs if o.status != "deleted"]


def purge(backend):
    """Forgets resources whose deletion finished, with their tags."""
    for arn, inst in list(backend.replication_instances.items()):
        if inst.status == "deleted":
            backend.replication_instances.pop(arn, None)
            backend.tagger.delete_all_tags_for_resource(arn)
    for ident, ep in list(backend.endpoints.items()):
        if ep.status == "deleted":
            backend.endpoints.pop(ident, None)
            backend.tagger.delete_all_tags_for_resource(ep.endpoint_arn)
    for arn, task in list(backend.replication_tasks.items()):
        if task.status == "deleted":
            backend.replication_tasks.pop(arn, None)
            backend.tagger.delete_all_tags_for_resource(arn)


# ---------------------------------------------------------------- replication instances

_orig_instance_to_dict = dm.FakeReplicationInstance.to_dict
_PENDING_KEYS = {"ReplicationInstanceClass": "replication_instance_class",
                 "AllocatedStorage": "allocated_storage", "MultiAZ": "multi_az",
                 "EngineVersion": "engine_version", "NetworkType": "network_type"}


def _apply_instance_pending(inst):
    for key, attr in _PENDING_KEYS.items():
        if key in getattr(inst, "_pending", {}):
            setattr(inst, attr, inst._pending[key])
    inst._pending = {}


def _account(arn):
    return arn.split(":")[4]


def _instance_to_dict(self):
    d = _orig_instance_to_dict(self)
    d["InstanceCreateTime"] = epoch(self.creation_date)
    d["PendingModifiedValues"] = dict(getattr(self, "_pending", {}))
    d["SecondaryAvailabilityZone"] = None
    backend = dm.dms_backends[_account(self.arn)][self.region]
    group = backend.replication_subnet_groups.get(self.replication_subnet_group_identifier or "")
    d["ReplicationSubnetGroup"] = group.to_dict() if group else None
    if group and not self.availability_zone:
        azs = group.azs()
        d["AvailabilityZone"] = azs[0] if azs else None
        if self.multi_az and len(azs) > 1:
            d["SecondaryAvailabilityZone"] = azs[1]
    return compact(d)


dm.FakeReplicationInstance.to_dict = _instance_to_dict

_orig_create_instance = B.create_replication_instance


def create_replication_instance(self, replication_instance_identifier, *args, **kwargs):
    purge(self)
    group = kwargs.get("replication_subnet_group_identifier")
    if group and group not in self.replication_subnet_groups:
        raise not_found(f"Replication Subnet Group {group} not found")
    for inst in self.replication_instances.values():
        if inst.id == replication_instance_identifier:
            raise DmsFault("ResourceAlreadyExistsFault",
                           "The resource you are attempting to create already exists.")
    return _orig_create_instance(self, replication_instance_identifier, *args, **kwargs)


def _filtered(objs, filters, getters, what):
    for f in filters or []:
        get = getters.get(f.get("Name"))
        if get is None:
            raise invalid(f"Invalid filter name: {f.get('Name')}")
        values = f.get("Values", [])
        objs = [o for o in objs if get(o) in values]
    if filters and not objs:
        raise not_found(f"No {what} found matching provided filters")
    return objs


_INSTANCE_FILTERS = {
    "replication-instance-id": lambda i: i.id,
    "replication-instance-arn": lambda i: i.arn,
    "replication-instance-class": lambda i: i.replication_instance_class,
    "engine-version": lambda i: i.engine_version,
}


def describe_replication_instances(self, filters=None, max_records=None, marker=None):
    purge(self)
    found = _filtered(list(self.replication_instances.values()), filters,
                      _INSTANCE_FILTERS, "replication instances")
    for inst in found:
        inst.advance()
    found = _live(found)
    if filters and not found:
        raise not_found("No replication instances found matching provided filters")
    return found


def _instance(self, arn):
    purge(self)
    inst = self.replication_instances.get(arn or "")
    if inst is None or inst.status == "deleted":
        raise not_found("Replication instance could not be found.")
    return inst


def delete_replication_instance(self, replication_instance_arn):
    inst = _instance(self, replication_instance_arn)
    if inst.status == "deleting":
        raise bad_state(f"Replication instance {inst.id} is already being deleted")
    users = [t.id for t in self.replication_tasks.values()
             if t.replication_instance_arn == inst.arn and t.status != "deleted"]
    if users:
        raise bad_state(f"Replication instance {inst.id} still has replication tasks: "
                        + ", ".join(users))
    inst.status = "deleting"
    self.connections = [c for c in self.connections if c.replication_instance_arn != inst.arn]
    return inst


def modify_replication_instance(self, params):
    """Changes an instance. With ApplyImmediately the instance goes "modifying" and the new
    class/storage/Multi-AZ/engine/network values land when it is "available" again; without it
    they stay in PendingModifiedValues (AWS applies them in the maintenance window)."""
    inst = _instance(self, params.get("ReplicationInstanceArn"))
    if inst.status != "available":
        raise bad_state(f"Replication instance {inst.id} is not in available state "
                        f"(it is {inst.status})")
    new_id = params.get("ReplicationInstanceIdentifier")
    if new_id and new_id != inst.id:
        if any(i.id == new_id for i in self.replication_instances.values()):
            raise DmsFault("ResourceAlreadyExistsFault", f"Replication instance {new_id} already exists")
        inst.id = new_id
    if "VpcSecurityGroupIds" in params:
        inst.vpc_security_groups = [{"VpcSecurityGroupId": g, "Status": "active"}
                                    for g in params["VpcSecurityGroupIds"]]
    for key, attr in (("PreferredMaintenanceWindow", "preferred_maintenance_window"),
                      ("AutoMinorVersionUpgrade", "auto_minor_version_upgrade")):
        if key in params:
            setattr(inst, attr, params[key])
    if "KerberosAuthenticationSettings" in params:
        inst.kerberos_authentication_settings = params["KerberosAuthenticationSettings"]
    if "AllocatedStorage" in params and int(params["AllocatedStorage"]) < inst.allocated_storage:
        raise invalid("AllocatedStorage cannot be decreased")
    pending = {k: params[k] for k in _PENDING_KEYS
               if k in params and params[k] != getattr(inst, _PENDING_KEYS[k])}
    inst._pending = dict(getattr(inst, "_pending", {}), **pending)
    if params.get("ApplyImmediately") and inst._pending:
        inst.status = "modifying"
    return inst


B.create_replication_instance = create_replication_instance
B.describe_replication_instances = describe_replication_instances
B.delete_replication_instance = delete_replication_instance
B.modify_replication_instance = modify_replication_instance


def _r_describe_replication_instances(self):
    p = body(self)
    found = self.dms_backend.describe_replication_instances(filters=p.get("Filters", []))
    chunk, nxt = page(found, p.get("Marker"), p.get("MaxRecords"))
    return json.dumps(compact({"ReplicationInstances": [i.to_dict() for i in chunk],
                               "Marker": nxt}))


def _r_modify_replication_instance(self):
    inst = self.dms_backend.modify_replication_instance(body(self))
    return json.dumps({"ReplicationInstance": inst.to_dict()})


R.describe_replication_instances = _r_describe_replication_instances
R.modify_replication_instance = _r_modify_replication_instance

# ---------------------------------------------------------------- endpoints

_orig_endpoint_to_dict = dm.Endpoint.to_dict


def _endpoint_to_dict(self):
    return compact(_orig_endpoint_to_dict(self))


dm.Endpoint.to_dict = _endpoint_to_dict

_orig_create_endpoint = B.create_endpoint


def create_endpoint(self, endpoint_identifier, *args, **kwargs):
    purge(self)
    if endpoint_identifier in self.endpoints:
        raise DmsFault("ResourceAlreadyExistsFault",
                       "The resource you are attempting to create already exists.")
    return _orig_create_endpoint(self, endpoint_identifier, *args, **kwargs)


_ENDPOINT_FILTERS = {
    "endpoint-arn": lambda e: e.endpoint_arn,
    "endpoint-type": lambda e: e.endpoint_type,
    "endpoint-id": lambda e: e.endpoint_identifier,
    "engine-name": lambda e: e.engine_name,
}


def describe_endpoints(self, filters, max_records=None, marker=None):
    purge(self)
    found = _filtered(list(self.endpoints.values()), filters, _ENDPOINT_FILTERS, "endpoints")
    for ep in found:
        ep.advance()
    found = _live(found)
    if filters and not found:
        raise not_found("No endpoints found matching provided filters")
    return found


def endpoint_by_arn(self, arn):
    purge(self)
    for ep in self.endpoints.values():
        if ep.endpoint_arn == arn and ep.status != "deleted":
            return ep
    raise not_found("Endpoint could not be found.")


def delete_endpoint(self, endpoint_arn):
    ep = endpoint_by_arn(self, endpoint_arn)
    if ep.status == "deleting":
        raise bad_state(f"Endpoint {ep.endpoint_identifier} is already being deleted")
    users = [t.id for t in self.replication_tasks.values()
             if endpoint_arn in (t.source_endpoint_arn, t.target_endpoint_arn)
             and t.status != "deleted"]
    if users:
        raise bad_state(f"Endpoint {ep.endpoint_identifier} is used by replication tasks: "
                        + ", ".join(users))
    ep.status = "deleting"
    self.connections = [c for c in self.connections if c.endpoint_arn != endpoint_arn]
    return ep


# request member -> Endpoint attribute; settings structures are merged unless ExactSettings
_ENDPOINT_SCALARS = {
    "EndpointType": "endpoint_type", "EngineName": "engine_name", "Username": "username",
    "Password": "password", "ServerName": "server_name", "Port": "port",
    "DatabaseName": "database_name", "ExtraConnectionAttributes": "extra_connection_attributes",
    "CertificateArn": "certificate_arn", "SslMode": "ssl_mode",
    "ServiceAccessRoleArn": "service_access_role_arn",
    "ExternalTableDefinition": "external_table_definition",
}
_ENDPOINT_SETTINGS = {
    "DynamoDbSettings": "dynamo_db_settings", "S3Settings": "s3_settings",
    "DmsTransferSettings": "dms_transfer_settings", "MongoDbSettings": "mongo_db_settings",
    "KinesisSettings": "kinesis_settings", "KafkaSettings": "kafka_settings",
    "ElasticsearchSettings": "elasticsearch_settings", "NeptuneSettings": "neptune_settings",
    "RedshiftSettings": "redshift_settings", "PostgreSQLSettings": "postgre_sql_settings",
    "MySQLSettings": "my_sql_settings", "OracleSettings": "oracle_settings",
    "SybaseSettings": "sybase_settings",
    "MicrosoftSQLServerSettings": "microsoft_sql_server_settings",
    "IBMDb2Settings": "ibm_db2_settings", "DocDbSettings": "doc_db_settings",
    "RedisSettings": "redis_settings", "GcpMySQLSettings": "gcp_my_sql_settings",
    "TimestreamSettings": "timestream_settings",
}


def modify_endpoint(self, params):
    """Changes an endpoint in place (AWS keeps it "active"); renames re-key moto's dict."""
    ep = endpoint_by_arn(self, params.get("EndpointArn"))
    if ep.status == "deleting":
        raise bad_state(f"Endpoint {ep.endpoint_identifier} is being deleted")
    if params.get("EndpointType") and params["EndpointType"] not in ("source", "target"):
        raise invalid("EndpointType must be source or target")
    new_id = params.get("EndpointIdentifier")
    if new_id and new_id != ep.endpoint_identifier:
        if new_id in self.endpoints:
            raise DmsFault("ResourceAlreadyExistsFault", f"Endpoint {new_id} already exists")
        self.endpoints.pop(ep.endpoint_identifier)
        ep.endpoint_identifier = new_id
        self.endpoints[new_id] = ep
    for key, attr in _ENDPOINT_SCALARS.items():
        if key in params:
            setattr(ep, attr, params[key])
    if "EngineName" in params:
        ep.engine_display_name = params["EngineName"]
    exact = bool(params.get("ExactSettings"))
    for key, attr in _ENDPOINT_SETTINGS.items():
        if key in params:
            old = getattr(ep, attr) or {}
            setattr(ep, attr, dict(params[key]) if exact else dict(old, **params[key]))
    return ep


B.create_endpoint = create_endpoint
B.describe_endpoints = describe_endpoints
B.delete_endpoint = delete_endpoint
B.modify_endpoint = modify_endpoint
B.endpoint_by_arn = endpoint_by_arn


def _r_describe_endpoints(self):
    p = body(self)
    found = self.dms_backend.describe_endpoints(filters=p.get("Filters", []))
    chunk, nxt = page(found, p.get("Marker"), p.get("MaxRecords"))
    return json.dumps(compact({"Endpoints": [e.to_dict() for e in chunk], "Marker": nxt}))


def _r_modify_endpoint(self):
    return json.dumps({"Endpoint": self.dms_backend.modify_endpoint(body(self)).to_dict()})


R.describe_endpoints = _r_describe_endpoints
R.modify_endpoint = _r_modify_endpoint

# ---------------------------------------------------------------- subnet groups


class SubnetGroup(dm.FakeReplicationSubnetGroup):
    """A subnet group that remembers its subnets and answers them from moto's EC2."""

    def __init__(self, backend, identifier, description, subnet_ids):
        super().__init__(identifier, description, subnet_ids)
        self.account_id = backend.account_id
        self.region = backend.region_name
        self.arn = (f"arn:{get_partition(self.region)}:dms:{self.region}:{self.account_id}"
                    f":subgrp:{identifier}")
        self.subnets = _lookup_subnets(backend, subnet_ids)

    def azs(self):
        return sorted({s.availability_zone for s in self.subnets})

    def to_dict(self):
        return {
            "ReplicationSubnetGroupIdentifier": self.replication_subnet_group_identifier,
            "ReplicationSubnetGroupDescription": self.description,
            "VpcId": self.subnets[0].vpc_id if self.subnets else None,
            "SubnetGroupStatus": "Complete",
            "Subnets": [{"SubnetIdentifier": s.id,
                         "SubnetAvailabilityZone": {"Name": s.availability_zone},
                         "SubnetStatus": "Active"} for s in self.subnets],
            "SupportedNetworkTypes": ["IPV4"],
        }


def _lookup_subnets(backend, subnet_ids):
    if not subnet_ids:
        raise invalid("SubnetIds must name at least one subnet")
    ec2 = ec2_backends[backend.account_id][backend.region_name]
    subnets = []
    for sid in subnet_ids:
        try:
            subnets.append(ec2.get_subnet(sid))
        except Exception:
            raise DmsFault("InvalidSubnet", f"The subnet {sid} does not exist")
    if len({s.vpc_id for s in subnets}) > 1:
        raise DmsFault("InvalidSubnet", "All subnets of a replication subnet group must be "
                                        "in the same VPC")
    if len({s.availability_zone for s in subnets}) < 2:
        raise DmsFault("ReplicationSubnetGroupDoesNotCoverEnoughAZs",
                       "The replication subnet group does not cover enough Availability Zones "
                       "(AZs). Edit the replication subnet group and add more AZs.")
    return subnets


def create_replication_subnet_group(self, replication_subnet_group_identifier,
                                    replication_subnet_group_description, subnet_ids,
                                    tags=None):
    ident = replication_subnet_group_identifier
    if ident in self.replication_subnet_groups:
        raise DmsFault("ResourceAlreadyExistsFault",
                       "The resource you are attempting to create already exists.")
    group = SubnetGroup(self, ident, replication_subnet_group_description, subnet_ids)
    self.replication_subnet_groups[ident] = group
    if tags:
        self.tagger.tag_resource(group.arn, tags)
    return group


def modify_replication_subnet_group(self, ident, description, subnet_ids):
    group = self.replication_subnet_groups.get(ident or "")
    if group is None:
        raise not_found(f"Replication Subnet Group {ident} not found")
    group.subnets = _lookup_subnets(self, subnet_ids)
    group.subnetIds = list(subnet_ids)
    if description is not None:
        group.description = description
    return group


def delete_replication_subnet_group(self, replication_subnet_group_identifier):
    ident = replication_subnet_group_identifier
    group = self.replication_subnet_groups.get(ident or "")
    if group is None:
        raise not_found("Replication subnet group could not be found.")
    purge(self)
    users = [i.id for i in self.replication_instances.values()
             if i.replication_subnet_group_identifier == ident]
    if users:
        raise bad_state(f"Replication subnet group {ident} is in use by: " + ", ".join(users))
    self.replication_subnet_groups.pop(ident)
    self.tagger.delete_all_tags_for_resource(getattr(group, "arn", ident))
    return group


B.create_replication_subnet_group = create_replication_subnet_group
B.modify_replication_subnet_group = modify_replication_subnet_group
B.delete_replication_subnet_group = delete_replication_subnet_group


def _r_modify_replication_subnet_group(self):
    p = body(self)
    group = self.dms_backend.modify_replication_subnet_group(
        p.get("ReplicationSubnetGroupIdentifier"), p.get("ReplicationSubnetGroupDescription"),
        p.get("SubnetIds"))
    return json.dumps({"ReplicationSubnetGroup": compact(group.to_dict())})


R.modify_replication_subnet_group = _r_modify_replication_subnet_group

# ---------------------------------------------------------------- tags


def resource_exists(self, arn):
    purge(self)
    if arn in self.replication_instances or arn in self.replication_tasks:
        return True
    if any(e.endpoint_arn == arn for e in self.endpoints.values()):
        return True
    return any(getattr(g, "arn", None) == arn for g in self.replication_subnet_groups.values())


def _check_arn(self, arn):
    if not arn or not resource_exists(self, arn):
        raise not_found(f"Resource {arn} could not be found.")


def add_tags_to_resource(self, arn, tags):
    _check_arn(self, arn)
    for t in tags or []:
        if "Key" not in t:
            raise invalid("Each tag needs a Key")
    self.tagger.tag_resource(arn, [{"Key": t["Key"], "Value": t.get("Value", "")}
                                   for t in tags or []])


def remove_tags_from_resource(self, arn, keys):
    _check_arn(self, arn)
    self.tagger.untag_resource_using_names(arn, list(keys or []))


_orig_list_tags = B.list_tags_for_resource


def list_tags_for_resource(self, resource_arn_list):
    for arn in resource_arn_list:
        _check_arn(self, arn)
    return _orig_list_tags(self, resource_arn_list)


B.add_tags_to_resource = add_tags_to_resource
B.remove_tags_from_resource = remove_tags_from_resource
B.list_tags_for_resource = list_tags_for_resource
B.resource_exists = resource_exists


def _r_add_tags(self):
    p = body(self)
    self.dms_backend.add_tags_to_resource(p.get("ResourceArn"), p.get("Tags"))
    return "{}"


def _r_remove_tags(self):
    p = body(self)
    self.dms_backend.remove_tags_from_resource(p.get("ResourceArn"), p.get("TagKeys"))
    return "{}"


def _r_list_tags(self):
    p = body(self)
    arn, arns = p.get("ResourceArn"), p.get("ResourceArnList")
    if bool(arn) == bool(arns):
        raise invalid("Specify exactly one of ResourceArn and ResourceArnList")
    return json.dumps({"TagList": self.dms_backend.list_tags_for_resource([arn] if arn else arns)})


R.add_tags_to_resource = _r_add_tags
R.remove_tags_from_resource = _r_remove_tags
R.list_tags_for_resource = _r_list_tags


# The Resource Groups Tagging API walks the DMS backend's dicts directly: without this, an
# endpoint or instance whose deletion finished (but that no DMS call has purged yet) would
# still be listed, which AWS does not do once DescribeX answers "not found".
from moto.resourcegroupstaggingapi import models as _rgta  # noqa: E402

_orig_get_resources = _rgta.ResourceGroupsTaggingAPIBackend.get_resources


def _get_resources_purged(self, *args, **kwargs):
    purge(self.dms_backend)
    return _orig_get_resources(self, *args, **kwargs)


_rgta.ResourceGroupsTaggingAPIBackend.get_resources = _get_resources_purged
