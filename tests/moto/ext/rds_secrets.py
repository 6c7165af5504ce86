"""rds_secrets.py - RDS DB cluster status transitions and a Secrets Manager staging fix.

RDS: moto 5.2.1 shows a new DB cluster "creating" once and then "available", but
ModifyDBCluster always answers "available" at once, so a driver can't observe (or wait out)
the modification. Here the cluster status is driven by moto's state manager (model
"rds::dbcluster", see lifecycle.py): "creating" -> "available"; ModifyDBCluster with a new
MasterUserPassword -> "resetting-master-credentials" -> "available" (Aurora applies password
changes at once); other changes with ApplyImmediately -> "modifying" -> "available".
DescribeDBClusters moves clusters one step. The new password is stored on moto's model.

Secrets Manager: moto answers GetSecretValue *without* VersionStage/VersionId from its
`default_version_id`, which UpdateSecretVersionStage does not move and which
PutSecretValue(VersionStages=["AWSCURRENT"]) moves without taking the label off the old
version - so the call without a stage returned a stale value. AWS defines "no stage, no
version id" as AWSCURRENT; we resolve it exactly that way and keep AWSCURRENT on one version.
"""
from moto.rds import models as rm
from moto.secretsmanager import models as sm

from . import lifecycle


def _cluster_next(cluster, status):
    return {"creating": "available", "modifying": "available",
            "resetting-master-credentials": "available"}.get(status)


lifecycle.install(rm.DBCluster, "rds::dbcluster", _cluster_next)

_orig_modify_cluster = rm.RDSBackend.modify_db_cluster
_orig_describe_clusters = rm.RDSBackend.describe_db_clusters


def modify_db_cluster(self, kwargs):
    new_id = kwargs.get("new_db_cluster_identifier") or kwargs["db_cluster_identifier"]
    password = kwargs.get("master_user_password")
    apply_now = kwargs.get("apply_immediately")
    others = {k for k, v in kwargs.items() if v is not None} - {
        "db_cluster_identifier", "new_db_cluster_identifier", "master_user_password",
        "apply_immediately"}
    _orig_modify_cluster(self, kwargs)
    cluster = self.clusters[new_id]
    if password:
        cluster.status = "resetting-master-credentials"
    elif apply_now and others:
        cluster.status = "modifying"
    return cluster


def describe_db_clusters(self, db_cluster_identifier=None, filters=None):
    clusters = _orig_describe_clusters(self, db_cluster_identifier, filters)
    for c in clusters:
        c.advance()
    return clusters


rm.RDSBackend.modify_db_cluster = modify_db_cluster
rm.RDSBackend.describe_db_clusters = describe_db_clusters

_orig_get_secret_value = sm.SecretsManagerBackend.get_secret_value
_orig_put_secret_value = sm.SecretsManagerBackend.put_secret_value
_orig_update_stage = sm.SecretsManagerBackend.update_secret_version_stage


def _current_version(secret):
    for vid, ver in secret.versions.items():
        if "AWSCURRENT" in ver["version_stages"]:
            return vid
    return None


def get_secret_value(self, secret_id, version_id, version_stage):
    if not version_id and not version_stage:
        version_stage = "AWSCURRENT"
    return _orig_get_secret_value(self, secret_id, version_id, version_stage)


def put_secret_value(self, secret_id, secret_string, secret_binary, client_request_token,
                     version_stages):
    secret = self.secrets[secret_id] if self._is_valid_identifier(secret_id) else None
    before = _current_version(secret) if hasattr(secret, "versions") else None
    out = _orig_put_secret_value(self, secret_id, secret_string, secret_binary,
                                 client_request_token, version_stages)
    secret = self.secrets[secret_id]
    holders = [v for v, ver in secret.versions.items() if "AWSCURRENT" in ver["version_stages"]]
    if len(holders) > 1 and before in holders:
        # the new version took AWSCURRENT: the old one becomes AWSPREVIOUS, as on AWS
        for ver in secret.versions.values():
            if "AWSPREVIOUS" in ver["version_stages"]:
                ver["version_stages"].remove("AWSPREVIOUS")
        secret.versions[before]["version_stages"].remove("AWSCURRENT")
        secret.versions[before]["version_stages"].append("AWSPREVIOUS")
    cur = _current_version(secret)
    if cur:
        secret.default_version_id = cur
    return out


def update_secret_version_stage(self, secret_id, version_stage, remove_from_version_id,
                                move_to_version_id):
    out = _orig_update_stage(self, secret_id, version_stage, remove_from_version_id,
                             move_to_version_id)
    secret = self.secrets[secret_id]
    cur = _current_version(secret)
    if cur:
        secret.default_version_id = cur
    return out


sm.SecretsManagerBackend.get_secret_value = get_secret_value
sm.SecretsManagerBackend.put_secret_value = put_secret_value
sm.SecretsManagerBackend.update_secret_version_stage = update_secret_version_stage


# ---- RDS subnet groups and duplicate creates ----
# moto 5.2.1's ModifyDBSubnetGroup pops the group from the backend and never puts it back (the
# group vanishes), and a second CreateDBSubnetGroup / CreateDBCluster with an existing name
# overwrites it (clusters: or fails with DBClusterSnapshotAlreadyExistsFault). AWS answers
# DBSubnetGroupNotFoundFault / DBSubnetGroupAlreadyExists / DBClusterAlreadyExistsFault
# (botocore rds service-2.json error shapes), which drivers rely on to detect a lost create.
from moto.rds.exceptions import DBSubnetGroupNotFoundError, RDSClientError


class _AlreadyExists(RDSClientError):
    def __init__(self, code, message):
        super().__init__(code, message)


def modify_db_subnet_group(self, subnet_name, description, subnets):
    group = self.subnet_groups.get(subnet_name)
    if group is None:
        raise DBSubnetGroupNotFoundError(subnet_name)
    group.subnets = subnets
    if description is not None:
        group.description = description
    return group


_orig_create_subnet_group = rm.RDSBackend.create_subnet_group
_orig_create_cluster = rm.RDSBackend.create_db_cluster


def create_subnet_group(self, subnet_name, description, subnets, tags):
    if subnet_name in self.subnet_groups:
        raise _AlreadyExists("DBSubnetGroupAlreadyExists", f"DB subnet group '{subnet_name}' already exists")
    return _orig_create_subnet_group(self, subnet_name, description, subnets, tags)


def create_db_cluster(self, kwargs):
    if kwargs["db_cluster_identifier"] in self.clusters:
        raise _AlreadyExists("DBClusterAlreadyExistsFault", "DB Cluster already exists")
    return _orig_create_cluster(self, kwargs)


rm.RDSBackend.modify_db_subnet_group = modify_db_subnet_group
rm.RDSBackend.create_subnet_group = create_subnet_group
rm.RDSBackend.create_db_cluster = create_db_cluster
