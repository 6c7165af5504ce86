#!/usr/bin/env python3
"""test_ext.py - tests of dmsprov's moto extension (tests/moto/ext/) through boto3.

Runs against the server in $MOTO_STATE_DIR/endpoint (or argv[1]); safe on the shared CTest
server: every test uses unique names and its own access key id, and never changes global
state-manager settings (the timing test starts a private server with tests/moto/start.sh).
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
import uuid

import boto3
import botocore.exceptions
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
ENDPOINT = None
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})
RETRY = Config(retries={"total_max_attempts": 5, "mode": "standard"})


def uniq(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def client(service, key, config=NO_RETRY, endpoint=None):
    return boto3.client(service, endpoint_url=endpoint or ENDPOINT, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key="testing", config=config)


def ctl(method, path, body=None, endpoint=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{endpoint or ENDPOINT}/moto-api/dmsprov{path}", data=data,
                                 method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def err_code(exc):
    return exc.response["Error"]["Code"]


TWO_TABLES = json.dumps({"rules": [
    {"rule-type": "selection", "rule-id": "1", "rule-name": "1", "rule-action": "include",
     "object-locator": {"schema-name": "public", "table-name": "orders"}},
    {"rule-type": "selection", "rule-id": "2", "rule-name": "2", "rule-action": "include",
     "object-locator": {"schema-name": "public", "table-name": "customers"}}]})


class Base(unittest.TestCase):
    def setUp(self):
        self.key = "AKIAEXT" + uuid.uuid4().hex[:12].upper()
        self.dms = client("dms", self.key)

    def tearDown(self):
        ctl("DELETE", f"/faults?access_key={self.key}")

    # -- DMS fixtures
    def subnet_group(self):
        ec2 = client("ec2", self.key)
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24",
                                     AvailabilityZone=az)["Subnet"]["SubnetId"]
                   for i, az in enumerate(("us-east-1a", "us-east-1b"))]
        name = uniq("sg")
        g = self.dms.create_replication_subnet_group(
            ReplicationSubnetGroupIdentifier=name, ReplicationSubnetGroupDescription="d",
            SubnetIds=subnets)["ReplicationSubnetGroup"]
        return name, vpc, subnets, g

    def instance(self, available=True, **kw):
        inst = self.dms.create_replication_instance(
            ReplicationInstanceIdentifier=uniq("ri"), ReplicationInstanceClass="dms.t3.micro",
            AllocatedStorage=50, **kw)["ReplicationInstance"]
        if available:
            self.assertEqual(self.wait_instance(inst["ReplicationInstanceArn"], "available")[-1],
                             "available")
        return inst

    def describe_instance(self, arn):
        return self.dms.describe_replication_instances(Filters=[
            {"Name": "replication-instance-arn", "Values": [arn]}])["ReplicationInstances"][0]

    def wait_instance(self, arn, want, limit=10):
        seen = []
        for _ in range(limit):
            seen.append(self.describe_instance(arn)["ReplicationInstanceStatus"])
            if seen[-1] == want:
                break
        return seen

    def endpoint(self, kind="source"):
        return self.dms.create_endpoint(
            EndpointIdentifier=uniq("ep"), EndpointType=kind, EngineName="postgres",
            Username="u", Password="not-a-real-secret", ServerName="db.example", Port=5432,
            DatabaseName="db")["Endpoint"]

    def describe_endpoint(self, arn):
        return self.dms.describe_endpoints(Filters=[
            {"Name": "endpoint-arn", "Values": [arn]}])["Endpoints"][0]

    def task(self, migration="full-load", mappings=TWO_TABLES, inst=None):
        inst = inst or self.instance()
        src, dst = self.endpoint("source"), self.endpoint("target")
        t = self.dms.create_replication_task(
            ReplicationTaskIdentifier=uniq("task"), SourceEndpointArn=src["EndpointArn"],
            TargetEndpointArn=dst["EndpointArn"],
            ReplicationInstanceArn=inst["ReplicationInstanceArn"], MigrationType=migration,
            TableMappings=mappings, ReplicationTaskSettings="{}")["ReplicationTask"]
        self.assertEqual(t["Status"], "creating")
        return t

    def describe_task(self, arn):
        return self.dms.describe_replication_tasks(Filters=[
            {"Name": "replication-task-arn", "Values": [arn]}])["ReplicationTasks"][0]

    def wait_task(self, arn, want, limit=10):
        seen = []
        for _ in range(limit):
            t = self.describe_task(arn)
            seen.append(t["Status"])
            if t["Status"] == want:
                return seen, t
        return seen, t

    def assert_order(self, seen, order):
        """seen must walk forward through `order` (steps may be skipped by other callers)."""
        idx = [order.index(s) for s in seen]
        self.assertEqual(idx, sorted(idx), f"status sequence {seen} not in order {order}")
        self.assertEqual(seen[-1], order[-1], f"never reached {order[-1]}: {seen}")


class ReplicationInstances(Base):
    def test_create_modify_delete(self):
        name, vpc, subnets, group = self.subnet_group()
        self.assertEqual(group["VpcId"], vpc)
        self.assertEqual(sorted(s["SubnetIdentifier"] for s in group["Subnets"]), sorted(subnets))
        inst = self.instance(available=False, ReplicationSubnetGroupIdentifier=name)
        arn = inst["ReplicationInstanceArn"]
        self.assertEqual(inst["ReplicationInstanceStatus"], "creating")
        self.assertIsInstance(inst["InstanceCreateTime"].year, int)
        self.assert_order(self.wait_instance(arn, "available"), ["creating", "available"])
        self.assertEqual(self.describe_instance(arn)["ReplicationSubnetGroup"]["VpcId"], vpc)

        out = self.dms.modify_replication_instance(
            ReplicationInstanceArn=arn, ReplicationInstanceClass="dms.c5.large",
            AllocatedStorage=100, ApplyImmediately=True)["ReplicationInstance"]
        self.assertEqual(out["ReplicationInstanceStatus"], "modifying")
        self.assertEqual(out["PendingModifiedValues"],
                         {"ReplicationInstanceClass": "dms.c5.large", "AllocatedStorage": 100})
        self.assertEqual(out["ReplicationInstanceClass"], "dms.t3.micro")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.modify_replication_instance(ReplicationInstanceArn=arn, MultiAZ=True,
                                                 ApplyImmediately=True)
        self.assertEqual(err_code(cm.exception), "InvalidResourceStateFault")
        self.assert_order(self.wait_instance(arn, "available"), ["modifying", "available"])
        now = self.describe_instance(arn)
        self.assertEqual(now["ReplicationInstanceClass"], "dms.c5.large")
        self.assertEqual(now["AllocatedStorage"], 100)
        self.assertEqual(now["PendingModifiedValues"], {})

        out = self.dms.modify_replication_instance(
            ReplicationInstanceArn=arn, MultiAZ=True, ApplyImmediately=False)["ReplicationInstance"]
        self.assertEqual(out["ReplicationInstanceStatus"], "available")
        self.assertEqual(out["PendingModifiedValues"], {"MultiAZ": True})

        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.delete_replication_subnet_group(ReplicationSubnetGroupIdentifier=name)
        self.assertEqual(err_code(cm.exception), "InvalidResourceStateFault")
        out = self.dms.delete_replication_instance(ReplicationInstanceArn=arn)
        self.assertEqual(out["ReplicationInstance"]["ReplicationInstanceStatus"], "deleting")
        waiter = self.dms.get_waiter("replication_instance_deleted")
        waiter.wait(Filters=[{"Name": "replication-instance-arn", "Values": [arn]}],
                    WaiterConfig={"Delay": 0, "MaxAttempts": 5})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.describe_instance(arn)
        self.assertEqual(err_code(cm.exception), "ResourceNotFoundFault")
        self.dms.delete_replication_subnet_group(ReplicationSubnetGroupIdentifier=name)

    def test_instance_with_task_cannot_be_deleted(self):
        t = self.task()
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.delete_replication_instance(ReplicationInstanceArn=t["ReplicationInstanceArn"])
        self.assertEqual(err_code(cm.exception), "InvalidResourceStateFault")

    def test_pagination(self):
        arns = [self.instance(available=False)["ReplicationInstanceArn"] for _ in range(22)]
        flt = [{"Name": "replication-instance-arn", "Values": arns}]
        first = self.dms.describe_replication_instances(Filters=flt, MaxRecords=20)
        self.assertEqual(len(first["ReplicationInstances"]), 20)
        second = self.dms.describe_replication_instances(Filters=flt, MaxRecords=20,
                                                         Marker=first["Marker"])
        self.assertEqual(len(second["ReplicationInstances"]), 2)
        self.assertNotIn("Marker", second)
        got = {i["ReplicationInstanceArn"] for i in
               first["ReplicationInstances"] + second["ReplicationInstances"]}
        self.assertEqual(got, set(arns))

    def test_subnet_group_validation_and_modify(self):
        name, vpc, subnets, _ = self.subnet_group()
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.modify_replication_subnet_group(ReplicationSubnetGroupIdentifier=name,
                                                     SubnetIds=subnets[:1])
        self.assertEqual(err_code(cm.exception), "ReplicationSubnetGroupDoesNotCoverEnoughAZs")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.create_replication_subnet_group(
                ReplicationSubnetGroupIdentifier=uniq("sg"), ReplicationSubnetGroupDescription="d",
                SubnetIds=["subnet-doesnotexist"])
        self.assertEqual(err_code(cm.exception), "InvalidSubnet")
        ec2 = client("ec2", self.key)
        third = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.7.0/24",
                                  AvailabilityZone="us-east-1c")["Subnet"]["SubnetId"]
        g = self.dms.modify_replication_subnet_group(
            ReplicationSubnetGroupIdentifier=name, ReplicationSubnetGroupDescription="new",
            SubnetIds=subnets + [third])["ReplicationSubnetGroup"]
        self.assertEqual(g["ReplicationSubnetGroupDescription"], "new")
        self.assertEqual(len(g["Subnets"]), 3)
        d = self.dms.describe_replication_subnet_groups(Filters=[
            {"Name": "replication-subnet-group-id", "Values": [name]}])["ReplicationSubnetGroups"]
        self.assertEqual(len(d[0]["Subnets"]), 3)


class Endpoints(Base):
    def test_lifecycle_and_modify(self):
        ep = self.endpoint()
        arn = ep["EndpointArn"]
        self.assertEqual(ep["Status"], "creating")
        self.assertNotIn("Password", ep)
        self.assertEqual(self.describe_endpoint(arn)["Status"], "active")
        out = self.dms.modify_endpoint(
            EndpointArn=arn, ServerName="db2.example", Port=5433, Password="another-one",
            PostgreSQLSettings={"HeartbeatEnable": True})["Endpoint"]
        self.assertEqual((out["ServerName"], out["Port"]), ("db2.example", 5433))
        self.assertNotIn("Password", out)
        out = self.dms.modify_endpoint(EndpointArn=arn,
                                       PostgreSQLSettings={"ExecuteTimeout": 60})["Endpoint"]
        self.assertEqual(out["PostgreSQLSettings"], {"HeartbeatEnable": True, "ExecuteTimeout": 60})
        out = self.dms.modify_endpoint(EndpointArn=arn, ExactSettings=True,
                                       PostgreSQLSettings={"ExecuteTimeout": 30})["Endpoint"]
        self.assertEqual(out["PostgreSQLSettings"], {"ExecuteTimeout": 30})
        new_id = uniq("renamed")
        out = self.dms.modify_endpoint(EndpointArn=arn, EndpointIdentifier=new_id)["Endpoint"]
        self.assertEqual((out["EndpointIdentifier"], out["EndpointArn"]), (new_id, arn))
        self.assertEqual(self.describe_endpoint(arn)["ServerName"], "db2.example")
        self.assertEqual(self.dms.delete_endpoint(EndpointArn=arn)["Endpoint"]["Status"], "deleting")
        self.dms.get_waiter("endpoint_deleted").wait(
            Filters=[{"Name": "endpoint-arn", "Values": [arn]}],
            WaiterConfig={"Delay": 0, "MaxAttempts": 5})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.modify_endpoint(EndpointArn=arn, Port=1)
        self.assertEqual(err_code(cm.exception), "ResourceNotFoundFault")

    def test_tagging_api_forgets_deleted_endpoint(self):
        # the endpoint's deletion finishes on a describe; GetResources right after must not
        # list it (the race a destroy followed by a tagging check used to hit)
        tag = uniq("owner")
        arn = self.dms.create_endpoint(
            EndpointIdentifier=uniq("ep"), EndpointType="source", EngineName="postgres",
            ServerName="db.example", Port=5432, DatabaseName="db", Username="u",
            Tags=[{"Key": "dmsprov:stack", "Value": tag}])["Endpoint"]["EndpointArn"]
        tagging = client("resourcegroupstaggingapi", self.key)
        listed = lambda: [r["ResourceARN"] for r in tagging.get_resources(
            TagFilters=[{"Key": "dmsprov:stack", "Values": [tag]}])["ResourceTagMappingList"]]
        self.assertEqual(listed(), [arn])
        self.describe_endpoint(arn)
        self.dms.delete_endpoint(EndpointArn=arn)
        self.dms.get_waiter("endpoint_deleted").wait(
            Filters=[{"Name": "endpoint-arn", "Values": [arn]}],
            WaiterConfig={"Delay": 0, "MaxAttempts": 5})
        self.assertEqual(listed(), [])

    def test_endpoint_in_use_cannot_be_deleted(self):
        t = self.task()
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.delete_endpoint(EndpointArn=t["SourceEndpointArn"])
        self.assertEqual(err_code(cm.exception), "InvalidResourceStateFault")


class Tasks(Base):
    def test_full_load_lifecycle(self):
        t = self.task()
        arn = t["ReplicationTaskArn"]
        self.assertEqual(t["ReplicationTaskStats"]["FullLoadProgressPercent"], 0)
        seen, t = self.wait_task(arn, "ready")
        self.assert_order(seen, ["creating", "ready"])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.start_replication_task(ReplicationTaskArn=arn,
                                            StartReplicationTaskType="resume-processing")
        self.assertEqual(err_code(cm.exception), "InvalidResourceStateFault")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.stop_replication_task(ReplicationTaskArn=arn)
        self.assertEqual(err_code(cm.exception), "InvalidResourceStateFault")
        out = self.dms.start_replication_task(ReplicationTaskArn=arn,
                                              StartReplicationTaskType="start-replication")
        self.assertEqual(out["ReplicationTask"]["Status"], "starting")
        seen, t = self.wait_task(arn, "stopped")
        self.assert_order(seen, ["starting", "running", "stopped"])
        self.assertEqual(t["StopReason"], "Stop Reason FULL_LOAD_ONLY_FINISHED")
        st = t["ReplicationTaskStats"]
        self.assertEqual((st["FullLoadProgressPercent"], st["TablesLoaded"], st["TablesLoading"],
                          st["TablesQueued"], st["TablesErrored"]), (100, 2, 0, 0, 0))
        for k in ("FreshStartDate", "StartDate", "StopDate", "FullLoadStartDate",
                  "FullLoadFinishDate"):
            self.assertIn(k, st)
        self.assertGreaterEqual(st["StopDate"], st["StartDate"])
        self.assertGreaterEqual(st["ElapsedTimeMillis"], 0)
        stats = self.dms.describe_table_statistics(ReplicationTaskArn=arn)["TableStatistics"]
        self.assertEqual({(s["TableName"], s["TableState"]) for s in stats},
                         {("orders", "Table completed"), ("customers", "Table completed")})
        self.assertTrue(all(s["FullLoadRows"] > 0 for s in stats))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.delete_replication_instance(ReplicationInstanceArn=t["ReplicationInstanceArn"])
        self.assertEqual(err_code(cm.exception), "InvalidResourceStateFault")
        out = self.dms.delete_replication_task(ReplicationTaskArn=arn)
        self.assertEqual(out["ReplicationTask"]["Status"], "deleting")
        self.dms.get_waiter("replication_task_deleted").wait(
            Filters=[{"Name": "replication-task-arn", "Values": [arn]}],
            WaiterConfig={"Delay": 0, "MaxAttempts": 5})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.describe_task(arn)
        self.assertEqual(err_code(cm.exception), "ResourceNotFoundFault")

    def test_cdc_progress_pagination_reload_stop_modify_move(self):
        t = self.task("full-load-and-cdc")
        arn = t["ReplicationTaskArn"]
        tables = [{"schema": "app", "table": f"t{i:02d}", "rows": 100 + i} for i in range(25)]
        self.assertEqual(ctl("POST", "/dms/task-tables", {"task_arn": arn, "tables": tables})
                         ["tables"], 25)
        self.wait_task(arn, "ready")
        self.assertEqual(self.dms.describe_table_statistics(ReplicationTaskArn=arn)
                         ["TableStatistics"], [])
        self.dms.start_replication_task(ReplicationTaskArn=arn,
                                        StartReplicationTaskType="start-replication")
        seen, t = self.wait_task(arn, "running")
        self.assert_order(seen, ["starting", "running"])
        page1 = self.dms.describe_table_statistics(ReplicationTaskArn=arn, MaxRecords=20)
        self.assertEqual(len(page1["TableStatistics"]), 20)
        page2 = self.dms.describe_table_statistics(ReplicationTaskArn=arn, MaxRecords=20,
                                                   Marker=page1["Marker"])
        self.assertEqual(len(page2["TableStatistics"]), 5)
        self.assertNotIn("Marker", page2)
        names = [s["TableName"] for s in page1["TableStatistics"] + page2["TableStatistics"]]
        self.assertEqual(names, [x["table"] for x in tables])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.describe_table_statistics(ReplicationTaskArn=arn, MaxRecords=5)
        self.assertEqual(err_code(cm.exception), "InvalidParameterValueException")
        states = [s["TableState"] for s in page1["TableStatistics"]]
        self.assertIn("Full load", states)
        self.assertIn("Before load", states)
        mid = self.describe_task(arn)["ReplicationTaskStats"]
        self.assertTrue(0 < mid["FullLoadProgressPercent"] < 100, mid)
        self.assertGreater(mid["TablesQueued"], 0)
        for _ in range(30):  # every observation loads another table
            stats = self.dms.describe_table_statistics(ReplicationTaskArn=arn, MaxRecords=100)
            if all(s["TableState"] == "Table completed" for s in stats["TableStatistics"]):
                break
        self.assertTrue(all(s["TableState"] == "Table completed" for s in stats["TableStatistics"]))
        self.assertEqual(stats["TableStatistics"][3]["FullLoadRows"], 103)
        before = stats["TableStatistics"][0]["Inserts"]
        after = self.dms.describe_table_statistics(
            ReplicationTaskArn=arn, Filters=[{"Name": "table-name", "Values": ["t00"]}]
        )["TableStatistics"]
        self.assertEqual(len(after), 1)
        self.assertGreater(after[0]["Inserts"], before)
        t = self.describe_task(arn)
        self.assertEqual(t["Status"], "running")
        self.assertEqual(t["ReplicationTaskStats"]["FullLoadProgressPercent"], 100)
        self.assertIn("FullLoadFinishDate", t["ReplicationTaskStats"])
        self.assertTrue(t["RecoveryCheckpoint"].startswith("checkpoint:V1#"))

        self.assertEqual(self.dms.reload_tables(
            ReplicationTaskArn=arn, TablesToReload=[{"SchemaName": "app", "TableName": "t07"}]
        )["ReplicationTaskArn"], arn)
        s = self.dms.describe_table_statistics(
            ReplicationTaskArn=arn, Filters=[{"Name": "table-state",
                                              "Values": ["Table is being reloaded"]}])
        s = s["TableStatistics"]
        self.assertEqual([x["TableName"] for x in s], ["t07"])
        self.assertTrue(s[0]["FullLoadReloaded"])

        out = self.dms.stop_replication_task(ReplicationTaskArn=arn)["ReplicationTask"]
        self.assertEqual(out["Status"], "stopping")
        seen, t = self.wait_task(arn, "stopped")
        self.assert_order(seen, ["stopping", "stopped"])
        self.assertEqual(t["StopReason"], "Stop Reason NORMAL")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.reload_tables(ReplicationTaskArn=arn, TablesToReload=[
                {"SchemaName": "app", "TableName": "t07"}])
        self.assertEqual(err_code(cm.exception), "InvalidResourceStateFault")

        new_id = uniq("task-renamed")
        out = self.dms.modify_replication_task(ReplicationTaskArn=arn, ReplicationTaskIdentifier=new_id,
                                               ReplicationTaskSettings='{"Logging": {}}')
        self.assertEqual(out["ReplicationTask"]["Status"], "modifying")
        seen, t = self.wait_task(arn, "stopped")
        self.assert_order(seen, ["modifying", "stopped"])
        self.assertEqual(t["ReplicationTaskIdentifier"], new_id)
        self.assertEqual(t["ReplicationTaskSettings"], '{"Logging": {}}')

        other = self.instance()["ReplicationInstanceArn"]
        out = self.dms.move_replication_task(ReplicationTaskArn=arn,
                                             TargetReplicationInstanceArn=other)["ReplicationTask"]
        self.assertEqual((out["Status"], out["TargetReplicationInstanceArn"]), ("moving", other))
        seen, t = self.wait_task(arn, "stopped")
        self.assert_order(seen, ["moving", "stopped"])
        self.assertEqual(t["ReplicationInstanceArn"], other)

        out = self.dms.start_replication_task(ReplicationTaskArn=arn,
                                              StartReplicationTaskType="resume-processing")
        self.assertEqual(out["ReplicationTask"]["Status"], "starting")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.modify_replication_task(ReplicationTaskArn=arn, ReplicationTaskSettings="{}")
        self.assertEqual(err_code(cm.exception), "InvalidResourceStateFault")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.delete_replication_task(ReplicationTaskArn=arn)
        self.assertEqual(err_code(cm.exception), "InvalidResourceStateFault")

    def test_wildcard_mappings_and_without_settings(self):
        mappings = json.dumps({"rules": [
            {"rule-type": "selection", "rule-id": "1", "rule-name": "1",
             "rule-action": "include", "object-locator": {"schema-name": "hr", "table-name": "emp%"}}]})
        t = self.task("full-load", mappings)
        self.wait_task(t["ReplicationTaskArn"], "ready")
        self.dms.start_replication_task(ReplicationTaskArn=t["ReplicationTaskArn"],
                                        StartReplicationTaskType="start-replication")
        stats = self.dms.describe_table_statistics(ReplicationTaskArn=t["ReplicationTaskArn"])
        self.assertEqual(sorted(s["TableName"] for s in stats["TableStatistics"]), ["emp1", "emp2"])
        d = self.dms.describe_replication_tasks(
            WithoutSettings=True,
            Filters=[{"Name": "replication-task-arn", "Values": [t["ReplicationTaskArn"]]}])
        self.assertNotIn("TableMappings", d["ReplicationTasks"][0])

    def test_create_task_checks_references(self):
        inst = self.instance()
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.create_replication_task(
                ReplicationTaskIdentifier=uniq("task"),
                SourceEndpointArn="arn:aws:dms:us-east-1:123456789012:endpoint:NOPE",
                TargetEndpointArn="arn:aws:dms:us-east-1:123456789012:endpoint:NOPE2",
                ReplicationInstanceArn=inst["ReplicationInstanceArn"], MigrationType="full-load",
                TableMappings=TWO_TABLES)
        self.assertEqual(err_code(cm.exception), "ResourceNotFoundFault")


class TaskCdcParameters(Base):
    def test_create_keeps_cdc_start_position_and_task_data(self):
        inst = self.instance()
        src, dst = self.endpoint("source")["EndpointArn"], self.endpoint("target")["EndpointArn"]
        kw = dict(ReplicationTaskIdentifier=uniq("cdc"), SourceEndpointArn=src, TargetEndpointArn=dst,
                  ReplicationInstanceArn=inst["ReplicationInstanceArn"], MigrationType="cdc",
                  TableMappings=json.dumps({"rules": []}))
        t = self.dms.create_replication_task(CdcStartPosition="checkpoint:V1#27#abc", TaskData="{}",
                                             **kw)["ReplicationTask"]
        self.assertEqual(t["CdcStartPosition"], "checkpoint:V1#27#abc")
        d = self.dms.describe_replication_tasks(Filters=[{"Name": "replication-task-arn",
                                                           "Values": [t["ReplicationTaskArn"]]}])
        self.assertEqual(d["ReplicationTasks"][0]["CdcStartPosition"], "checkpoint:V1#27#abc")
        self.assertEqual(d["ReplicationTasks"][0]["TaskData"], "{}")
        kw["ReplicationTaskIdentifier"] = uniq("cdc")
        with self.assertRaises(self.dms.exceptions.ClientError) as err:
            self.dms.create_replication_task(CdcStartPosition="x", CdcStartTime=1700000000, **kw)
        self.assertEqual(err.exception.response["Error"]["Code"], "InvalidParameterValueException")


class FailedTaskControl(Base):
    def test_fail_now(self):
        t = self.task("full-load-and-cdc")
        arn = t["ReplicationTaskArn"]
        self.wait_task(arn, "ready")
        self.dms.start_replication_task(ReplicationTaskArn=arn,
                                        StartReplicationTaskType="start-replication")
        self.wait_task(arn, "running")
        out = ctl("POST", "/dms/fail-task", {"task_arn": arn, "table": "public.customers",
                                             "message": "ORA-00942 table or view does not exist"})
        self.assertEqual(out["status"], "failed")
        t = self.describe_task(arn)
        self.assertEqual(t["Status"], "failed")
        self.assertEqual(t["LastFailureMessage"], "ORA-00942 table or view does not exist")
        self.assertRegex(t["RecoveryCheckpoint"], r"^checkpoint:V1#\d+#")
        self.assertEqual(t["StopReason"], "Stop Reason FATAL_ERROR")
        self.assertEqual(t["ReplicationTaskStats"]["TablesErrored"], 1)
        errs = self.dms.describe_table_statistics(ReplicationTaskArn=arn, Filters=[
            {"Name": "table-state", "Values": ["Table error"]}])["TableStatistics"]
        self.assertEqual([(e["SchemaName"], e["TableName"]) for e in errs],
                         [("public", "customers")])
        # a failed task can be restarted; the error clears
        self.dms.start_replication_task(ReplicationTaskArn=arn,
                                        StartReplicationTaskType="resume-processing")
        seen, t = self.wait_task(arn, "running")
        self.assertNotIn("LastFailureMessage", t)

    def test_fail_when_running(self):
        t = self.task("full-load")
        arn = t["ReplicationTaskArn"]
        self.wait_task(arn, "ready")
        ctl("POST", "/dms/fail-task", {"task_arn": arn, "when": "running"})
        self.assertEqual(self.describe_task(arn)["Status"], "ready")
        self.dms.start_replication_task(ReplicationTaskArn=arn,
                                        StartReplicationTaskType="start-replication")
        seen, t = self.wait_task(arn, "failed")
        self.assert_order(seen, ["starting", "running", "failed"])
        self.assertIn("Table error", t["LastFailureMessage"])
        with self.assertRaises(urllib.error.HTTPError) as cm:
            ctl("POST", "/dms/fail-task", {"task_arn": arn + "x"})
        self.assertEqual(cm.exception.code, 400)


class Tags(Base):
    def test_all_resource_types(self):
        name, _, _, _ = self.subnet_group()
        t = self.task()
        arns = {
            "subgrp": f"arn:aws:dms:us-east-1:123456789012:subgrp:{name}",
            "rep": t["ReplicationInstanceArn"], "endpoint": t["SourceEndpointArn"],
            "task": t["ReplicationTaskArn"]}
        for kind, arn in arns.items():
            self.assertEqual(arn.split(":")[5], kind)
            self.dms.add_tags_to_resource(ResourceArn=arn, Tags=[
                {"Key": "stack", "Value": "s1"}, {"Key": "keep", "Value": "yes"}])
            self.dms.remove_tags_from_resource(ResourceArn=arn, TagKeys=["stack"])
            tags = self.dms.list_tags_for_resource(ResourceArn=arn)["TagList"]
            self.assertEqual([(x["Key"], x["Value"], x["ResourceArn"]) for x in tags],
                             [("keep", "yes", arn)])
        many = self.dms.list_tags_for_resource(ResourceArnList=list(arns.values()))["TagList"]
        self.assertEqual(len(many), 4)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.add_tags_to_resource(ResourceArn=arns["task"] + "nope",
                                          Tags=[{"Key": "a", "Value": "b"}])
        self.assertEqual(err_code(cm.exception), "ResourceNotFoundFault")

    def test_create_with_tags_on_subnet_group(self):
        ec2 = client("ec2", self.key)
        vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.8.{i}.0/24",
                                     AvailabilityZone=az)["Subnet"]["SubnetId"]
                   for i, az in enumerate(("us-east-1a", "us-east-1b"))]
        name = uniq("sg")
        self.dms.create_replication_subnet_group(
            ReplicationSubnetGroupIdentifier=name, ReplicationSubnetGroupDescription="d",
            SubnetIds=subnets, Tags=[{"Key": "k", "Value": "v"}])
        arn = f"arn:aws:dms:us-east-1:123456789012:subgrp:{name}"
        self.assertEqual(self.dms.list_tags_for_resource(ResourceArn=arn)["TagList"],
                         [{"Key": "k", "Value": "v", "ResourceArn": arn}])


class Faults(Base):
    def rule(self, **kw):
        kw.setdefault("access_key", self.key)
        return ctl("POST", "/faults", kw)

    def calls(self):
        return ctl("GET", f"/calls?access_key={self.key}")["calls"]

    def test_json_throttle_retried_without_duplicates(self):
        self.rule(operation="CreateReplicationInstance", error="throttle", count=2)
        dms = client("dms", self.key, RETRY)
        name = uniq("ri")
        dms.create_replication_instance(ReplicationInstanceIdentifier=name,
                                        ReplicationInstanceClass="dms.t3.micro")
        self.assertEqual(self.calls()["dms.CreateReplicationInstance"], 3)
        found = dms.describe_replication_instances(Filters=[
            {"Name": "replication-instance-id", "Values": [name]}])["ReplicationInstances"]
        self.assertEqual(len(found), 1)
        rules = ctl("GET", f"/faults?access_key={self.key}")["faults"]
        self.assertEqual((rules[0]["hits"], rules[0]["count"]), (2, 0))

    def test_json_error_formats(self):
        self.rule(operation="DescribeEndpoints", error="throttle")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.describe_endpoints()
        self.assertEqual(err_code(cm.exception), "ThrottlingException")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.rule(operation="DescribeEndpoints", error="internal")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.describe_endpoints()
        self.assertEqual(err_code(cm.exception), "InternalFailure")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 500)
        self.dms.describe_endpoints()  # rules are used up

    def test_drop_before_and_after(self):
        name = uniq("ep")
        self.rule(operation="CreateEndpoint", error="drop")
        args = dict(EndpointIdentifier=name, EndpointType="source", EngineName="postgres")
        with self.assertRaises(botocore.exceptions.ConnectionClosedError):
            self.dms.create_endpoint(**args)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.describe_endpoints(Filters=[{"Name": "endpoint-id", "Values": [name]}])
        self.assertEqual(err_code(cm.exception), "ResourceNotFoundFault")  # not created
        self.rule(operation="CreateEndpoint", error="drop", phase="after")
        with self.assertRaises(botocore.exceptions.ConnectionClosedError):
            self.dms.create_endpoint(**args)
        found = self.dms.describe_endpoints(Filters=[{"Name": "endpoint-id", "Values": [name]}])
        self.assertEqual(len(found["Endpoints"]), 1)  # created although the answer was lost
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.create_endpoint(**args)
        self.assertEqual(err_code(cm.exception), "ResourceAlreadyExistsFault")

    def test_scoping_by_key_and_substring(self):
        self.rule(operation="*", service="dms", error="throttle", count=5)
        other = client("dms", "AKIAEXTOTHER" + uuid.uuid4().hex[:8].upper())
        other.describe_replication_tasks()  # another caller is not affected
        ctl("DELETE", f"/faults?access_key={self.key}")
        target = uniq("only-this")
        ctl("POST", "/faults", {"operation": "CreateEndpoint", "contains": target,
                                "error": "throttle", "count": 1})
        self.dms.create_endpoint(EndpointIdentifier=uniq("ep"), EndpointType="source",
                                 EngineName="postgres")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.dms.create_endpoint(EndpointIdentifier=target, EndpointType="source",
                                     EngineName="postgres")
        self.assertEqual(err_code(cm.exception), "ThrottlingException")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            ctl("POST", "/faults", {"operation": "CreateEndpoint"})  # unscoped is refused
        self.assertEqual(cm.exception.code, 400)

    def test_skip(self):
        self.rule(operation="DescribeEndpoints", skip=1)
        self.dms.describe_endpoints()
        with self.assertRaises(botocore.exceptions.ClientError):
            self.dms.describe_endpoints()

    def test_query_protocols(self):
        rds = client("rds", self.key)
        self.rule(operation="DescribeDBClusters", error="throttle")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            rds.describe_db_clusters()
        err = cm.exception.response["Error"]
        self.assertEqual((err["Code"], err["Type"]), ("Throttling", "Sender"))
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        rds.describe_db_clusters()
        for service, op, call in (("sts", "GetCallerIdentity", lambda c: c.get_caller_identity()),
                                  ("iam", "ListRoles", lambda c: c.list_roles())):
            c = client(service, self.key)
            self.rule(operation=op, error="internal")
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                call(c)
            err = cm.exception.response["Error"]
            self.assertEqual((err["Code"], err["Type"]), ("InternalFailure", "Receiver"))
            self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 500)
        # the raw Query error document
        req = urllib.request.Request(
            ENDPOINT + "/", data=b"Action=GetCallerIdentity&Version=2011-06-15", method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Authorization": f"AWS4-HMAC-SHA256 Credential={self.key}/20240101/"
                                      "us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0"})
        self.rule(operation="GetCallerIdentity", error="throttle")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req)
        raw = cm.exception.read().decode()
        self.assertIn("<ErrorResponse", raw)
        self.assertIn("<Error><Type>Sender</Type><Code>Throttling</Code>", raw)

    def test_s3(self):
        s3 = client("s3", self.key)
        bucket = uniq("bkt")
        self.rule(operation="CreateBucket", error="throttle")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            s3.create_bucket(Bucket=bucket)
        self.assertEqual(err_code(cm.exception), "SlowDown")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 503)
        self.rule(operation="PutObject", error="throttle", count=2)
        self.rule(operation="CreateBucket", error="internal")
        s3r = client("s3", self.key, RETRY)
        s3r.create_bucket(Bucket=bucket)
        s3r.put_object(Bucket=bucket, Key="a/b.txt", Body=b"x")
        calls = self.calls()
        self.assertEqual(calls["s3.CreateBucket"], 3)
        self.assertEqual(calls["s3.PutObject"], 3)
        self.assertEqual(s3.get_object(Bucket=bucket, Key="a/b.txt")["Body"].read(), b"x")

    def test_ec2(self):
        ec2 = client("ec2", self.key)
        self.rule(operation="CreateVpc", error="throttle")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ec2.create_vpc(CidrBlock="10.1.0.0/16")
        self.assertEqual(err_code(cm.exception), "RequestLimitExceeded")


class Describe(Base):
    def test_filters_matching_nothing(self):
        for call, flt in ((self.dms.describe_replication_tasks, "replication-task-id"),
                          (self.dms.describe_replication_instances, "replication-instance-id"),
                          (self.dms.describe_endpoints, "endpoint-id")):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                call(Filters=[{"Name": flt, "Values": [uniq("none")]}])
            self.assertEqual(err_code(cm.exception), "ResourceNotFoundFault")

    def test_registered_transitions(self):
        for model in ("dms::replicationinstance", "dms::endpoint", "dms::replicationtask",
                      "rds::dbcluster"):
            with urllib.request.urlopen(
                    f"{ENDPOINT}/moto-api/state-manager/get-transition?model_name={model}") as r:
                self.assertEqual(json.loads(r.read()), {"progression": "manual", "times": 1})


class Rds(Base):
    def test_cluster_transitions(self):
        rds = client("rds", self.key)
        cid = uniq("cl")
        c = rds.create_db_cluster(DBClusterIdentifier=cid, Engine="aurora-postgresql",
                                  MasterUsername="admin_user", MasterUserPassword="initial-pw-1")
        self.assertEqual(c["DBCluster"]["Status"], "creating")

        def status():
            return rds.describe_db_clusters(DBClusterIdentifier=cid)["DBClusters"][0]["Status"]
        self.assertEqual(status(), "available")
        out = rds.modify_db_cluster(DBClusterIdentifier=cid, MasterUserPassword="second-pw-2",
                                    ApplyImmediately=True)["DBCluster"]
        self.assertEqual(out["Status"], "resetting-master-credentials")
        self.assertEqual(status(), "available")
        out = rds.modify_db_cluster(DBClusterIdentifier=cid, BackupRetentionPeriod=5,
                                    ApplyImmediately=True)["DBCluster"]
        self.assertEqual(out["Status"], "modifying")
        rds.get_waiter("db_cluster_available").wait(
            DBClusterIdentifier=cid, WaiterConfig={"Delay": 0, "MaxAttempts": 3})
        self.assertEqual(status(), "available")
        self.assertEqual(rds.describe_db_clusters(DBClusterIdentifier=cid)["DBClusters"][0]
                         ["BackupRetentionPeriod"], 5)


    def test_subnet_group_modify_and_duplicates(self):
        rds, ec2 = client("rds", self.key), client("ec2", self.key)
        vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.8.{i}.0/24", AvailabilityZone=az)
                   ["Subnet"]["SubnetId"] for i, az in enumerate(("us-east-1a", "us-east-1b"))]
        name = uniq("sng")
        rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="one",
                                   SubnetIds=subnets[:1])
        with self.assertRaises(rds.exceptions.DBSubnetGroupAlreadyExistsFault):
            rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="x",
                                       SubnetIds=subnets[:1])
        rds.modify_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="two",
                                   SubnetIds=subnets)
        g = rds.describe_db_subnet_groups(DBSubnetGroupName=name)["DBSubnetGroups"][0]
        self.assertEqual(g["DBSubnetGroupDescription"], "two")
        self.assertEqual(len(g["Subnets"]), 2)
        with self.assertRaises(rds.exceptions.DBSubnetGroupNotFoundFault):
            rds.modify_db_subnet_group(DBSubnetGroupName=uniq("nope"), SubnetIds=subnets)
        cid = uniq("dup")
        kw = dict(DBClusterIdentifier=cid, Engine="aurora-postgresql", MasterUsername="u",
                  MasterUserPassword="password-123")
        rds.create_db_cluster(**kw)
        with self.assertRaises(rds.exceptions.DBClusterAlreadyExistsFault):
            rds.create_db_cluster(**kw)


class SecretsManager(Base):
    def test_current_stage_without_version_stage(self):
        sm = client("secretsmanager", self.key)
        name = uniq("sec")
        sm.create_secret(Name=name, SecretString="v1")
        vid = sm.put_secret_value(SecretId=name, SecretString="v2",
                                  VersionStages=["AWSPENDING"])["VersionId"]
        self.assertEqual(sm.get_secret_value(SecretId=name)["SecretString"], "v1")
        cur = [v for v, s in sm.describe_secret(SecretId=name)["VersionIdsToStages"].items()
               if "AWSCURRENT" in s][0]
        sm.update_secret_version_stage(SecretId=name, VersionStage="AWSCURRENT",
                                       MoveToVersionId=vid, RemoveFromVersionId=cur)
        self.assertEqual(sm.get_secret_value(SecretId=name)["SecretString"], "v2")
        self.assertEqual(sm.get_secret_value(SecretId=name, VersionStage="AWSCURRENT")
                         ["SecretString"], "v2")
        sm.put_secret_value(SecretId=name, SecretString="v3", VersionStages=["AWSCURRENT"])
        self.assertEqual(sm.get_secret_value(SecretId=name)["SecretString"], "v3")
        self.assertEqual(sm.get_secret_value(SecretId=name, VersionStage="AWSCURRENT")
                         ["SecretString"], "v3")
        self.assertEqual(sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")
                         ["SecretString"], "v2")
        stages = sm.describe_secret(SecretId=name)["VersionIdsToStages"].values()
        self.assertEqual(sum("AWSCURRENT" in s for s in stages), 1)


class TaggingApi(Base):
    # What moto's GetResources returns for dmsprov's resource types (documented in README.md)
    COVERED = {"s3", "rds:cluster", "dms:rep", "dms:endpoint", "dms:task", "secretsmanager", "ssm"}
    NOT_COVERED = {"dms:subgrp"}

    def test_get_resources_coverage(self):
        tag = [{"Key": "dmsprov-ext", "Value": uniq("v")}]
        s3 = client("s3", self.key)
        bucket = uniq("bkt")
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tag})
        client("rds", self.key).create_db_cluster(
            DBClusterIdentifier=uniq("cl"), Engine="aurora-postgresql", MasterUsername="admin_user",
            MasterUserPassword="initial-pw-1", Tags=tag)
        client("secretsmanager", self.key).create_secret(Name=uniq("sec"), SecretString="x",
                                                         Tags=tag)
        client("ssm", self.key).put_parameter(Name="/" + uniq("p"), Value="x", Type="String",
                                              Tags=tag)
        name, _, _, _ = self.subnet_group()
        self.dms.add_tags_to_resource(
            ResourceArn=f"arn:aws:dms:us-east-1:123456789012:subgrp:{name}", Tags=tag)
        t = self.task()
        for arn in (t["ReplicationTaskArn"], t["ReplicationInstanceArn"], t["SourceEndpointArn"]):
            self.dms.add_tags_to_resource(ResourceArn=arn, Tags=tag)
        tagging = client("resourcegroupstaggingapi", self.key)
        arns = [r["ResourceARN"] for r in tagging.get_resources(
            TagFilters=[{"Key": tag[0]["Key"], "Values": [tag[0]["Value"]]}])["ResourceTagMappingList"]]
        kinds = set()
        for arn in arns:
            parts = arn.split(":")
            kinds.add(parts[2] if parts[2] in ("s3", "secretsmanager", "ssm")
                      else f"{parts[2]}:{parts[5]}")
        self.assertEqual(kinds, self.COVERED, arns)


class TransitionTiming(unittest.TestCase):
    """Time-based progression through moto's state manager, on a private server."""

    def test_time_progression(self):
        d = tempfile.mkdtemp()
        subprocess.run([os.path.join(HERE, "start.sh"), d], check=True, stdout=subprocess.DEVNULL)
        try:
            with open(os.path.join(d, "endpoint")) as f:
                ep = f.read().strip()
            body = json.dumps({"model_name": "dms::replicationinstance",
                               "transition": {"progression": "time", "seconds": 1}}).encode()
            urllib.request.urlopen(urllib.request.Request(
                f"{ep}/moto-api/state-manager/set-transition", data=body, method="POST"))
            dms = client("dms", "AKIAEXTTIMING", endpoint=ep)
            arn = dms.create_replication_instance(
                ReplicationInstanceIdentifier="ri-timed",
                ReplicationInstanceClass="dms.t3.micro")["ReplicationInstance"]["ReplicationInstanceArn"]
            flt = [{"Name": "replication-instance-arn", "Values": [arn]}]
            statuses = [dms.describe_replication_instances(Filters=flt)["ReplicationInstances"][0]
                        ["ReplicationInstanceStatus"] for _ in range(3)]
            self.assertEqual(statuses, ["creating"] * 3)
            time.sleep(1.2)
            self.assertEqual(dms.describe_replication_instances(Filters=flt)
                             ["ReplicationInstances"][0]["ReplicationInstanceStatus"], "available")
        finally:
            subprocess.run([os.path.join(HERE, "stop.sh"), d], check=False)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("http"):
        ENDPOINT = sys.argv.pop(1)
    else:
        ENDPOINT = open(os.path.join(os.environ["MOTO_STATE_DIR"], "endpoint")).read().strip()
    unittest.main(verbosity=2)
