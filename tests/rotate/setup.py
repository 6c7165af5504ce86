"""setup.py - creates the resources of tests/rotate/stack.yaml on moto with boto3 and writes a
minimal dmsprov state for them (until `dmsprov apply` can create the stack itself).

usage: setup.py ENDPOINT UNIQ STATE_DIR STACK DB_HOST DB_PORT PASSWORD_FILE [--task]
Creates: secret UNIQ/db-master (JSON username/password/host/port/dbname; DB_HOST "-": no host
key, as in a template whose cluster takes its password from the secret), Aurora cluster
UNIQ-db, SSM parameter /UNIQ/db/password (a copy), DMS endpoints UNIQ-source (Password) and
UNIQ-reader (SecretsManagerSecretId); with --task a replication instance and a running task
from UNIQ-source to UNIQ-reader. Prints the state's resources as JSON.
"""
import json
import os
import sys
import time

import boto3


def main():
    endpoint, uniq, state_dir, stack, host, port, pwfile = sys.argv[1:8]
    with_task = "--task" in sys.argv[8:]
    password = open(pwfile).read().strip()

    def c(service):
        return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1")

    sm, rds, ssm, dms = c("secretsmanager"), c("rds"), c("ssm"), c("dms")
    doc = {"username": "labadmin", "password": password, "host": host, "port": int(port), "dbname": "postgres"}
    if host == "-":
        del doc["host"]
    secret = sm.create_secret(Name=f"{uniq}/db-master", SecretString=json.dumps(doc))
    rds.create_db_cluster(DBClusterIdentifier=f"{uniq}-db", Engine="aurora-postgresql",
                          MasterUsername="labadmin", MasterUserPassword=password)
    for _ in range(50):  # the extension shows "creating" first
        if rds.describe_db_clusters(DBClusterIdentifier=f"{uniq}-db")["DBClusters"][0]["Status"] == "available":
            break
        time.sleep(0.1)
    ssm.put_parameter(Name=f"/{uniq}/db/password", Value=password, Type="String")
    src = dms.create_endpoint(EndpointIdentifier=f"{uniq}-source", EndpointType="source",
                              EngineName="aurora-postgresql", Username="labadmin", Password=password,
                              ServerName="db.example", Port=5432, DatabaseName="postgres")["Endpoint"]
    rdr = dms.create_endpoint(EndpointIdentifier=f"{uniq}-reader", EndpointType="target",
                              EngineName="aurora-postgresql", DatabaseName="postgres",
                              PostgreSQLSettings={
                                  "SecretsManagerSecretId": secret["ARN"],
                                  "SecretsManagerAccessRoleArn":
                                      "arn:aws:iam::123456789012:role/dms-secrets-access"})["Endpoint"]
    resources = {
        "DbSecret": ("AWS::SecretsManager::Secret", secret["ARN"]),
        "DbCluster": ("AWS::RDS::DBCluster", f"{uniq}-db"),
        "PasswordCopy": ("AWS::SSM::Parameter", f"/{uniq}/db/password"),
        "SourceEndpoint": ("AWS::DMS::Endpoint", src["EndpointArn"]),
        "SecretEndpoint": ("AWS::DMS::Endpoint", rdr["EndpointArn"]),
    }
    if with_task:
        inst = dms.create_replication_instance(ReplicationInstanceIdentifier=f"{uniq}-ri",
                                               ReplicationInstanceClass="dms.t3.micro")
        arn = inst["ReplicationInstance"]["ReplicationInstanceArn"]
        for _ in range(100):
            ri = dms.describe_replication_instances(
                Filters=[{"Name": "replication-instance-arn", "Values": [arn]}])["ReplicationInstances"][0]
            if ri["ReplicationInstanceStatus"] == "available":
                break
            time.sleep(0.1)
        task = dms.create_replication_task(
            ReplicationTaskIdentifier=f"{uniq}-task", SourceEndpointArn=src["EndpointArn"],
            TargetEndpointArn=rdr["EndpointArn"], ReplicationInstanceArn=arn, MigrationType="full-load-and-cdc",
            TableMappings=json.dumps({"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "1",
                                                 "object-locator": {"schema-name": "%", "table-name": "%"},
                                                 "rule-action": "include"}]}))["ReplicationTask"]
        tarn = task["ReplicationTaskArn"]
        for _ in range(100):
            st = dms.describe_replication_tasks(
                Filters=[{"Name": "replication-task-arn", "Values": [tarn]}])["ReplicationTasks"][0]["Status"]
            if st == "ready":
                break
            time.sleep(0.1)
        dms.start_replication_task(ReplicationTaskArn=tarn, StartReplicationTaskType="start-replication")
        for _ in range(100):
            st = dms.describe_replication_tasks(
                Filters=[{"Name": "replication-task-arn", "Values": [tarn]}])["ReplicationTasks"][0]["Status"]
            if st == "running":
                break
            time.sleep(0.1)
        if st != "running":
            sys.exit(f"task did not start: {st}")
        resources["Task"] = ("AWS::DMS::ReplicationTask", tarn)
    state = {"version": 1, "stack": stack, "serial": 1,
             "resources": {k: {"type": t, "physical_id": p, "status": "complete", "properties": {}}
                           for k, (t, p) in resources.items()},
             "outputs": {}, "rotations": []}
    os.makedirs(state_dir, exist_ok=True)
    with open(os.path.join(state_dir, f"{stack}.json"), "w") as f:
        json.dump(state, f, indent=1)
    print(json.dumps({k: p for k, (t, p) in resources.items()}))


if __name__ == "__main__":
    main()
