#!/usr/bin/env python3
"""engine_bench.py - the engine's figures (issue 5): apply makespan of the lab stack against
its critical-path lower bound and a sequential boto3 script, and the cost of a no-change plan.

Starts its own moto server (tests/moto/start.sh; the state-manager setting is global, so never
the shared test server) behind tests/moto/latency_proxy.py (fixed latency per call), makes DMS
replication instances take --ri-seconds to become available, creates a VPC with boto3 (directly
on moto), then:
  1. `dmsprov apply` of examples/lab-20.1 through the proxy (DMSPROV_APPLY_TRACE gives each
     operation's start, end and driver steps): API calls, wall time, the critical-path lower
     bound (longest dependency chain of: the resource's inherent wait + one round trip per
     API call) and the ratio wall / bound (goal <= 1.10);
  2. the same stack created by a straightforward sequential boto3 script (goal: dmsprov at
     least 3x faster);
  3. a no-change `dmsprov plan`: API calls (goal: <= one per type + one per resource, counted
     as driver list/read operations; HTTP calls printed too) and wall time, against a boto3
     script making the same reads one after the other.
Figures are printed, never asserted. Usage: bench/engine_bench.py [--dmsprov PATH]
[--latency-ms 50] [--ri-seconds 5]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LAB = os.path.join(ROOT, "examples", "lab-20.1", "template.yaml")
SERVICE_OF = {"AWS::S3::Bucket": "s3", "AWS::IAM::Role": "iam", "AWS::SSM::Parameter": "ssm",
              "AWS::SecretsManager::Secret": "secretsmanager",
              "AWS::SecretsManager::RotationSchedule": "secretsmanager",
              "AWS::RDS::DBSubnetGroup": "rds", "AWS::RDS::DBCluster": "rds", "AWS::RDS::DBInstance": "rds",
              "AWS::DMS::ReplicationSubnetGroup": "dms", "AWS::DMS::ReplicationInstance": "dms",
              "AWS::DMS::Endpoint": "dms", "AWS::DMS::ReplicationTask": "dms"}


def http(method, url, body=None):
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(req, timeout=30) as r:
        data = r.read()
    return json.loads(data) if data else None


def by_service(calls):
    out = {}
    for op, n in calls.items():
        svc = op.split(".", 1)[0]
        out[svc] = out.get(svc, 0) + n
    return out


def critical_path(ops, latency_s, waits, calls_per_step):
    """Longest chain of (inherent wait + one round trip per call) over the operations' deps.
    waits: the inherent wait of a create per resource type (seconds)."""
    cost = {}
    for o in ops:
        wait = waits.get(o["type"], 0.0) if o["op"] == "create" else 0.0
        calls = o["steps"] * calls_per_step.get(SERVICE_OF.get(o["type"], "?"), 1.0)
        cost[o["node"]] = wait + calls * latency_s
    memo = {}

    def longest(n):
        if n not in memo:
            deps = next(o for o in ops if o["node"] == n)["deps"]
            memo[n] = cost[n] + max((longest(d) for d in deps), default=0.0)
        return memo[n]

    return max((longest(o["node"]) for o in ops), default=0.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dmsprov", default=os.path.join(ROOT, "build", "dmsprov"))
    ap.add_argument("--latency-ms", type=float, default=50.0)
    ap.add_argument("--ri-seconds", type=float, default=5.0,
                    help="DMS replication instances: seconds until available (AWS: ~10 min)")
    ap.add_argument("--rds-seconds", type=float, default=5.0,
                    help="Aurora DB cluster: seconds until available (AWS: ~10 min)")
    ap.add_argument("--task-seconds", type=float, default=1.0,
                    help="DMS replication tasks: seconds until ready (AWS: ~1 min)")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="dmsprov-bench-")
    moto_dir = os.path.join(tmp, "moto")
    subprocess.run([os.path.join(ROOT, "tests", "moto", "start.sh"), moto_dir], check=True, stdout=subprocess.DEVNULL)
    proxy = None
    try:
        moto = open(os.path.join(moto_dir, "endpoint")).read().strip()
        port_file = os.path.join(tmp, "proxy.port")
        proxy = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "moto", "latency_proxy.py"),
                                  "--upstream", moto, "--latency-ms", str(a.latency_ms), "--port-file", port_file],
                                 stdout=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.1)
        via = f"http://127.0.0.1:{open(port_file).read().strip()}"
        # Slow resources in AWS's proportions (moto's state manager, models registered by the
        # test extension): replication instances and the Aurora cluster take minutes, tasks
        # about a minute, everything else is quick.
        for model, seconds in (("dms::replicationinstance", a.ri_seconds), ("rds::dbcluster", a.rds_seconds),
                               ("dms::replicationtask", a.task_seconds)):
            http("POST", f"{moto}/moto-api/state-manager/set-transition",
                 {"model_name": model, "transition": {"progression": "time", "seconds": seconds}})
        env = dict(os.environ, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_REGION="us-east-1",
                   AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null",
                   AWS_SHARED_CREDENTIALS_FILE="/dev/null", NO_COLOR="1")
        for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
            env.pop(k, None)
        os.environ.update({k: env[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")})
        import boto3  # noqa: E402  (only after the environment is set)

        def client(svc, url):
            return boto3.client(svc, endpoint_url=url, region_name="us-east-1")

        ec2 = client("ec2", moto)
        vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=f"us-east-1{z}")
                   ["Subnet"]["SubnetId"] for i, z in ((1, "a"), (2, "b"))]
        sg = ec2.create_security_group(GroupName="bench", Description="bench", VpcId=vpc)["GroupId"]
        params = ["--parameter", "StudentId=bench", "--parameter", "SubnetIds=" + ",".join(subnets),
                  "--parameter", f"SecurityGroupIds={sg}"]
        state = os.path.join(tmp, "state")
        trace = os.path.join(tmp, "trace.json")
        base = [a.dmsprov, "--endpoint-url", via, "--state", state]

        # 1. apply (the plan it makes first is measured separately, to split the calls)
        subprocess.run(base + ["plan", "-t", LAB, "--stack", "bench"] + params, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        http("DELETE", f"{via}/__proxy/counts")
        subprocess.run(base + ["plan", "-t", LAB, "--stack", "bench"] + params, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        plan_calls = by_service(http("GET", f"{via}/__proxy/counts")["calls"])
        http("DELETE", f"{via}/__proxy/counts")
        t0 = time.monotonic()
        subprocess.run(base + ["apply", "-t", LAB, "--stack", "bench", "--auto-approve"] + params,
                       env=dict(env, DMSPROV_APPLY_TRACE=trace), check=True, stdout=subprocess.DEVNULL)
        apply_wall = time.monotonic() - t0
        counts = http("GET", f"{via}/__proxy/counts")
        tr = json.load(open(trace))
        ops = tr["operations"]
        run_calls = {s: n - plan_calls.get(s, 0) for s, n in by_service(counts["calls"]).items()}
        steps = {}
        for o in ops:
            s = SERVICE_OF.get(o["type"], "?")
            steps[s] = steps.get(s, 0) + o["steps"]
        per_step = {s: max(1.0, run_calls.get(s, 0) / n) for s, n in steps.items() if n}
        bound = critical_path(ops, a.latency_ms / 1000.0,
                              {"AWS::DMS::ReplicationInstance": a.ri_seconds, "AWS::RDS::DBCluster": a.rds_seconds,
                               "AWS::DMS::ReplicationTask": a.task_seconds}, per_step)
        makespan = tr["wall_s"]

        # 2. the same stack, sequentially, with boto3 through the same proxy
        http("DELETE", f"{via}/__proxy/counts")
        t0 = time.monotonic()
        sequential_lab(lambda s: client(s, via), subnets, sg)
        seq_wall = time.monotonic() - t0
        seq_calls = http("GET", f"{via}/__proxy/counts")["total"]

        # 3. a no-change plan, and the same reads made by boto3 one after the other
        http("DELETE", f"{via}/__proxy/counts")
        t0 = time.monotonic()
        out = subprocess.run(base + ["plan", "-t", LAB, "--stack", "bench", "--json"] + params, env=env,
                             check=True, capture_output=True, text=True).stdout
        plan_wall = time.monotonic() - t0
        pj = json.loads(out)
        plan_http = http("GET", f"{via}/__proxy/counts")
        st = json.load(open(os.path.join(state, "bench.json")))
        http("DELETE", f"{via}/__proxy/counts")
        t0 = time.monotonic()
        same_reads(lambda s: client(s, via), plan_http["calls"], st)
        reads_wall = time.monotonic() - t0
        reads_calls = http("GET", f"{via}/__proxy/counts")["total"]

        nres = len(st["resources"])
        ntypes = len({r["type"] for r in st["resources"].values()})
        print(f"dmsprov engine benchmark: lab-20.1 ({nres} resources, {ntypes} types), "
              f"{a.latency_ms:.0f} ms per call, DMS instances available after {a.ri_seconds:.0f} s, "
              f"Aurora cluster after {a.rds_seconds:.0f} s, tasks ready after {a.task_seconds:.0f} s")
        print("Apply")
        print(f"  API calls:              {counts['total']} (apply phase {sum(run_calls.values())}, "
              f"its plan {sum(plan_calls.values())})")
        print(f"  wall time:              {apply_wall:.2f} s (command), {makespan:.2f} s (operations)")
        print(f"  critical-path bound:    {bound:.2f} s (waits + one round trip per call on the longest chain)")
        print(f"  ratio:                  {makespan / bound:.2f} (goal <= 1.10)" if bound else "  ratio: n/a")
        print(f"  max in flight:          {tr['max_in_flight']}")
        print(f"  sequential boto3:       {seq_wall:.2f} s, {seq_calls} calls -> dmsprov is "
              f"{seq_wall / apply_wall:.1f}x faster (goal >= 3x)")
        lr = pj["live_read"]
        print("No-change plan")
        print(f"  changes:                {'none' if not pj['changes_present'] else pj['summary']}")
        print(f"  engine operations:      {lr['lists']} list + {lr['reads']} read = {lr['lists'] + lr['reads']} "
              f"(goal <= {ntypes} + {nres} = {ntypes + nres})")
        print(f"  API calls (HTTP):       {plan_http['total']} (reads {lr['api_requests']})")
        print(f"  wall time:              {plan_wall:.2f} s (command), {lr['seconds']:.2f} s (reads)")
        print(f"  boto3, same reads:      {reads_wall:.2f} s, {reads_calls} calls, one after the other")
    finally:
        if proxy:
            proxy.terminate()
            proxy.wait()
        subprocess.run([os.path.join(ROOT, "tests", "moto", "stop.sh"), moto_dir], stdout=subprocess.DEVNULL)


def wait_for(fn, done, every=2.0, limit=600):
    t = time.monotonic()
    while not done(fn()):
        if time.monotonic() - t > limit:
            raise TimeoutError("waited too long")
        time.sleep(every)


def sequential_lab(c, subnets, sgs_one):
    """What a straightforward script does: one resource after the other, polling every 2 s."""
    sgs = [sgs_one]
    p = "seq"
    sm, rds, ssm, s3, iam, dms = (c(s) for s in ("secretsmanager", "rds", "ssm", "s3", "iam", "dms"))
    secret = sm.create_secret(Name=f"{p}/aurora/master", SecretString=json.dumps(
        {"username": "labadmin", "password": sm.get_random_password(PasswordLength=32, ExcludeCharacters="\"@/\\'")
         ["RandomPassword"]}))["ARN"]
    creds = json.loads(sm.get_secret_value(SecretId=secret, VersionStage="AWSCURRENT")["SecretString"])
    rds.create_db_subnet_group(DBSubnetGroupName=f"{p}-db", DBSubnetGroupDescription="d", SubnetIds=subnets)
    rds.create_db_cluster(DBClusterIdentifier=f"{p}-aurora", Engine="aurora-postgresql", EngineVersion="15.4",
                          DatabaseName="labdb", MasterUsername=creds["username"],
                          MasterUserPassword=creds["password"], DBSubnetGroupName=f"{p}-db",
                          VpcSecurityGroupIds=sgs, StorageEncrypted=True, BackupRetentionPeriod=1)
    wait_for(lambda: rds.describe_db_clusters(DBClusterIdentifier=f"{p}-aurora")["DBClusters"][0],
             lambda d: d["Status"] == "available")
    cluster = rds.describe_db_clusters(DBClusterIdentifier=f"{p}-aurora")["DBClusters"][0]
    rds.create_db_instance(DBInstanceIdentifier=f"{p}-aurora-1", DBClusterIdentifier=f"{p}-aurora",
                           DBInstanceClass="db.r6g.large", Engine="aurora-postgresql", PubliclyAccessible=False)
    wait_for(lambda: rds.describe_db_instances(DBInstanceIdentifier=f"{p}-aurora-1")["DBInstances"][0],
             lambda d: d["DBInstanceStatus"] == "available")
    for name, value in (("endpoint", cluster["Endpoint"]), ("port", str(cluster["Port"])),
                        ("username", "labadmin"), ("secret-arn", secret)):
        ssm.put_parameter(Name=f"/{p}/aurora/{name}", Value=value, Type="String")
    buckets = []
    for i in range(1, 6):
        b = f"{p}-feed-{i}-{int(time.time())}"
        s3.create_bucket(Bucket=b)
        buckets.append(b)
    role = iam.create_role(RoleName=f"{p}-s3-access", AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "dms.amazonaws.com"},
                                                 "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    iam.put_role_policy(RoleName=f"{p}-s3-access", PolicyName="read-feeds", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                                                 "Resource": [f"arn:aws:s3:::{b}*" for b in buckets]}]}))
    dms.create_replication_subnet_group(ReplicationSubnetGroupIdentifier=f"{p}-dms",
                                        ReplicationSubnetGroupDescription="d", SubnetIds=subnets)
    instances = []
    for i in (1, 2):
        arn = dms.create_replication_instance(
            ReplicationInstanceIdentifier=f"{p}-ri-{i}", ReplicationInstanceClass="dms.t3.medium",
            AllocatedStorage=50, ReplicationSubnetGroupIdentifier=f"{p}-dms", VpcSecurityGroupIds=sgs,
            PubliclyAccessible=False, MultiAZ=False)["ReplicationInstance"]["ReplicationInstanceArn"]
        wait_for(lambda: dms.describe_replication_instances(Filters=[{"Name": "replication-instance-arn",
                                                                       "Values": [arn]}])["ReplicationInstances"][0],
                 lambda d: d["ReplicationInstanceStatus"] == "available")
        instances.append(arn)
    target = dms.create_endpoint(EndpointIdentifier=f"{p}-aurora-target", EndpointType="target",
                                 EngineName="aurora-postgresql", ServerName=cluster["Endpoint"], Port=5432,
                                 DatabaseName="labdb", Username=creds["username"], Password=creds["password"],
                                 SslMode="require")["Endpoint"]["EndpointArn"]
    for i, b in enumerate(buckets, 1):
        src = dms.create_endpoint(
            EndpointIdentifier=f"{p}-feed-{i}", EndpointType="source", EngineName="s3",
            S3Settings={"BucketName": b, "BucketFolder": "incoming", "ServiceAccessRoleArn": role,
                        "ExternalTableDefinition": json.dumps({"TableCount": "1", "Tables": []})})["Endpoint"]["EndpointArn"]
        task = dms.create_replication_task(
            ReplicationTaskIdentifier=f"{p}-feed-{i}", MigrationType="full-load-and-cdc",
            ReplicationInstanceArn=instances[0 if i <= 3 else 1], SourceEndpointArn=src, TargetEndpointArn=target,
            TableMappings=json.dumps({"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "t",
                                                 "object-locator": {"schema-name": "s", "table-name": "t"},
                                                 "rule-action": "include"}]}))["ReplicationTask"]["ReplicationTaskArn"]
        wait_for(lambda: dms.describe_replication_tasks(Filters=[{"Name": "replication-task-arn",
                                                                   "Values": [task]}])["ReplicationTasks"][0],
                 lambda d: d["Status"] == "ready")
    # the 7-day hosted rotation: the engine's driver records the schedule on the secret (tags)
    sm.tag_resource(SecretId=secret, Tags=[{"Key": "rotation", "Value": "rate(7 days)"}])


def same_reads(c, calls, state):
    """The plan's reads replayed one after the other: the same operations, the same number of
    times, on the stack's resources (a fair sequential baseline for the same information)."""
    res = state["resources"]
    ids = {}
    for r in res.values():
        ids.setdefault(r["type"], []).append(r["physical_id"])
    svc_client = {}

    def cl(s):
        if s not in svc_client:
            svc_client[s] = c({"tagging": "resourcegroupstaggingapi"}.get(s, s))
        return svc_client[s]

    for op, n in sorted(calls.items()):
        svc, name = op.split(".", 1)
        for k in range(n):
            try:
                replay(cl(svc), svc, name, ids, k)
            except Exception:  # a read the replay cannot reproduce exactly still costs its round trip
                pass


def replay(cl, svc, name, ids, k):
    def pick(t):
        v = ids.get(t, [""])
        return v[k % len(v)]
    if svc == "s3":
        b = pick("AWS::S3::Bucket")
        op = name.split(" ")[0]
        {"HEAD": lambda: cl.head_bucket(Bucket=b)}.get(op, lambda: cl.get_bucket_tagging(Bucket=b))()
    elif svc == "iam":
        r = pick("AWS::IAM::Role").split("/")[-1]
        {"ListRoles": lambda: cl.list_roles(), "GetRole": lambda: cl.get_role(RoleName=r),
         "ListRoleTags": lambda: cl.list_role_tags(RoleName=r),
         "ListRolePolicies": lambda: cl.list_role_policies(RoleName=r)}.get(name, lambda: cl.get_role(RoleName=r))()
    elif svc == "ssm":
        p = pick("AWS::SSM::Parameter")
        cl.get_parameter(Name=p) if name == "GetParameter" else cl.describe_parameters()
    elif svc == "tagging":
        cl.get_resources(TagFilters=[{"Key": "dmsprov:stack", "Values": ["bench"]}])
    elif svc == "dms":
        getattr(cl, {"DescribeEndpoints": "describe_endpoints", "DescribeReplicationTasks": "describe_replication_tasks",
                     "DescribeReplicationInstances": "describe_replication_instances",
                     "DescribeReplicationSubnetGroups": "describe_replication_subnet_groups"}
                .get(name, "describe_endpoints"))()
    elif svc == "rds":
        getattr(cl, {"DescribeDBClusters": "describe_db_clusters", "DescribeDBInstances": "describe_db_instances",
                     "DescribeDBSubnetGroups": "describe_db_subnet_groups"}.get(name, "describe_db_clusters"))()
    elif svc == "secretsmanager":
        cl.describe_secret(SecretId=pick("AWS::SecretsManager::Secret"))
    elif svc == "sts":
        cl.get_caller_identity()


if __name__ == "__main__":
    main()
