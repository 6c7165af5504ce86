#!/usr/bin/env bash
# run-on-moto.sh - runs one example stack through dmsprov's whole cycle against a local AWS
# ($AWS_ENDPOINT_URL, e.g. moto): a VPC with two subnets in two AZs and a security group made
# with boto3, a parameters file with their ids, then validate -> plan (changes) -> apply ->
# plan (no changes) -> output -> destroy -> nothing left (checked with boto3), printing each
# step and exiting non-zero at the first failure.
#
# usage: examples/run-on-moto.sh [--stack NAME] [--keep] [--rotate] [--parallelism N] EXAMPLE
#   EXAMPLE        a directory holding template.yaml and parameters.json, or a name under examples/
#   --stack NAME   stack name (default: the example's name and a random suffix)
#   --keep         stop after the no-change plan and output: leave the stack and the VPC up
#                  (destroy later with: dmsprov --state DIR destroy --stack NAME --auto-approve)
#   --rotate       after the no-change plan: `dmsprov rotate` (templates with a RotationSchedule),
#                  then plan again, which must still show no changes
# environment:
#   AWS_ENDPOINT_URL   required: the local endpoint (moto: tests/moto/start.sh DIR; see its README)
#   DMSPROV            the dmsprov binary (default: build/dmsprov of this checkout)
#   DP_PYTHON          a Python with boto3 and PyYAML (default: tests/moto/find_python.sh)
#   DMSPROV_STATE      state location (default: a temporary directory, removed at the end)
#   RUN_ON_MOTO_ANY_ENDPOINT=1  allow an endpoint that is not on the loopback interface
# Parameters of type List<AWS::EC2::Subnet::Id> / List<AWS::EC2::SecurityGroup::Id> get the new
# VPC's ids, StudentId and IngestName (the examples' name prefixes) a unique value, and a NoEcho
# parameter without a value a random one (kept in a mode 0600 file, never printed; the run
# fails if it shows up in dmsprov's output).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
stack="" keep=0 rotate=0 parallelism=""
usage() { sed -n '8,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
while [ $# -gt 0 ]; do
  case "$1" in
    --stack) [ $# -ge 2 ] || usage; stack=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --rotate) rotate=1; shift ;;
    --parallelism) [ $# -ge 2 ] || usage; parallelism=$2; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "run-on-moto: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || usage
example=$1
[ -d "$example" ] || example="$here/$example"
example=$(cd "$example" 2>/dev/null && pwd) || { echo "run-on-moto: no example $1" >&2; exit 64; }
template="$example/template.yaml" params="$example/parameters.json"
if [ ! -f "$template" ] || [ ! -f "$params" ]; then
  echo "run-on-moto: $example needs template.yaml and parameters.json" >&2; exit 64
fi
: "${AWS_ENDPOINT_URL:?set AWS_ENDPOINT_URL to the local AWS endpoint (moto: tests/moto/start.sh DIR)}"
case "$AWS_ENDPOINT_URL" in  # never create a lab's worth of real (billed) resources by mistake
  http://127.*|http://localhost[:/]*|http://localhost|http://\[::1\]*) ;;
  *) [ "${RUN_ON_MOTO_ANY_ENDPOINT:-}" = 1 ] ||
       { echo "run-on-moto: $AWS_ENDPOINT_URL is not a loopback endpoint; set RUN_ON_MOTO_ANY_ENDPOINT=1 to use it" >&2; exit 64; } ;;
esac
curl -s -o /dev/null --max-time 10 "$AWS_ENDPOINT_URL/" ||
  { echo "run-on-moto: nothing answers at $AWS_ENDPOINT_URL" >&2; exit 1; }
bin=${DMSPROV:-$repo/build/dmsprov}
[ -x "$bin" ] || { echo "run-on-moto: no dmsprov at $bin (build it or set DMSPROV)" >&2; exit 1; }
py=${DP_PYTHON:-$("$repo/tests/moto/find_python.sh")}
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-testing} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-testing}
export AWS_REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}
export AWS_DEFAULT_REGION=$AWS_REGION  # boto3 reads this one
name=$(basename "$example" | tr -c 'a-zA-Z0-9\n' '-')
uniq="$(date +%s | tail -c 6)$$"
stack=${stack:-ex-$name-$uniq}

work=$(mktemp -d)
chmod 700 "$work"
state=${DMSPROV_STATE:-$work/state}
vpc_ids="$work/vpc.json"
applied=0
cleanup() {
  local rc=$?
  if [ "$keep" = 0 ] && [ "$applied" = 1 ]; then  # a failed run leaves nothing behind either
    echo "run-on-moto: cleaning up: dmsprov destroy --stack $stack" >&2
    "$bin" --state "$state" --no-color destroy --stack "$stack" --auto-approve --empty-buckets >"$work/cleanup.log" 2>&1 ||
      { cat "$work/cleanup.log" >&2; echo "run-on-moto: cleanup destroy failed" >&2; }
  fi
  if [ "$keep" = 0 ] && [ -f "$vpc_ids" ]; then
    "$py" - "$vpc_ids" <<'PY' || echo "run-on-moto: could not remove the test VPC (see above)" >&2
import json, sys, boto3
ids = json.load(open(sys.argv[1]))
ec2 = boto3.client("ec2")
try:
    ec2.delete_security_group(GroupId=ids["sg"])
    for s in ids["subnets"]:
        ec2.delete_subnet(SubnetId=s)
    ec2.delete_vpc(VpcId=ids["vpc"])
except Exception as e:  # moto may still hold a dependent: say so, the server is throwaway
    print(f"run-on-moto: VPC cleanup: {e}", file=sys.stderr)
    sys.exit(1)
PY
  fi
  if [ "$keep" = 1 ]; then
    echo "kept: stack $stack, state $state, parameters $work/parameters.json, VPC $(cat "$vpc_ids" 2>/dev/null)"
  else rm -rf "$work"; fi
  exit $rc
}
trap cleanup EXIT

n=0
step() { n=$((n + 1)); printf '\n== %d. %s\n' "$n" "$*"; }
fail() { echo "run-on-moto: FAIL: $*" >&2; exit 1; }
# dp EXPECTED_RC ARGS... - runs dmsprov, shows its output, fails unless it exits EXPECTED_RC.
dp() {
  local want=$1 rc=0; shift
  echo "\$ dmsprov $*"
  "$bin" --state "$state" --no-color "$@" >"$work/out" 2>&1 || rc=$?
  cat "$work/out"
  cat "$work/out" >>"$work/all.log"
  [ "$rc" = "$want" ] || fail "dmsprov $1 exited $rc (expected $want)"
}

step "network on $AWS_ENDPOINT_URL: VPC, two subnets in two AZs, a security group"
"$py" - "$vpc_ids" "$uniq" <<'PY'
import json, sys, boto3
out, uniq = sys.argv[1], sys.argv[2]
ec2 = boto3.client("ec2")
azs = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]
       if z.get("State", "available") == "available"][:2]
if len(azs) < 2:
    sys.exit("run-on-moto: the region has fewer than two availability zones")
tag = [{"ResourceType": "", "Tags": [{"Key": "Name", "Value": f"dmsprov-example-{uniq}"}]}]
def tags(kind):
    return [dict(tag[0], ResourceType=kind)]
b = int(uniq) % 250
vpc = ec2.create_vpc(CidrBlock=f"10.{b}.0.0/16", TagSpecifications=tags("vpc"))["Vpc"]["VpcId"]
ids = {"vpc": vpc, "subnets": [], "sg": None}
json.dump(ids, open(out, "w"))  # so that cleanup finds what exists even if the next call fails
for i, az in enumerate(azs):
    s = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{b}.{i}.0/24", AvailabilityZone=az,
                          TagSpecifications=tags("subnet"))["Subnet"]["SubnetId"]
    ids["subnets"].append(s)
    json.dump(ids, open(out, "w"))
ids["sg"] = ec2.create_security_group(GroupName=f"dmsprov-example-{uniq}", VpcId=vpc,
                                      Description="dmsprov example: DMS to the database")["GroupId"]
ec2.authorize_security_group_ingress(GroupId=ids["sg"], IpPermissions=[{
    "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
    "UserIdGroupPairs": [{"GroupId": ids["sg"]}]}])
json.dump(ids, open(out, "w"))
print(f"VPC {vpc}, subnets {' '.join(ids['subnets'])} in {' '.join(azs)}, security group {ids['sg']}")
PY

step "parameters: $(basename "$params") with the new network ids"
run_params="$work/parameters.json"
(umask 077; "$py" - "$template" "$params" "$vpc_ids" "$uniq" "$run_params" <<'PY'
import json, secrets, sys, yaml
template, params, vpc_file, uniq, out = sys.argv[1:]
class Loader(yaml.SafeLoader):
    pass
Loader.add_multi_constructor("!", lambda loader, suffix, node: None)  # intrinsics: not needed here
decl = (yaml.load(open(template), Loader=Loader) or {}).get("Parameters") or {}
vpc = json.load(open(vpc_file))
values = {p["ParameterKey"]: p["ParameterValue"] for p in json.load(open(params))}
for key, d in decl.items():
    kind = str(d.get("Type", ""))
    if kind == "List<AWS::EC2::Subnet::Id>":
        values[key] = ",".join(vpc["subnets"])
    elif kind == "AWS::EC2::Subnet::Id":
        values[key] = vpc["subnets"][0]
    elif kind == "List<AWS::EC2::SecurityGroup::Id>" or kind == "AWS::EC2::SecurityGroup::Id":
        values[key] = vpc["sg"]
    elif kind == "AWS::EC2::VPC::Id":
        values[key] = vpc["vpc"]
    elif key in ("StudentId", "IngestName"):  # the examples' name prefixes: unique per run
        values[key] = "s" + uniq[-11:]
    elif str(d.get("NoEcho", "")).lower() == "true" and key not in values and "Default" not in d:
        values[key] = secrets.token_urlsafe(18)  # a throwaway secret for this run only
        print(f"{key} = (random, NoEcho)")
        continue
    else:
        continue
    print(f"{key} = {values[key]}")
json.dump([{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()], open(out, "w"), indent=1)
PY
)
common=(-t "$template" --stack "$stack" --parameters-file "$run_params")
applyopts=(--auto-approve)
[ -n "$parallelism" ] && applyopts+=(--parallelism "$parallelism")

# no_secret_in_output - the current values of the stack's secrets (the password key of JSON
# secrets) appear nowhere in dmsprov's output so far.
no_secret_in_output() {
  "$py" - "$stack" "$work/all.log" <<'PY'
import json, sys, boto3
stack, log = sys.argv[1:]
tagging, sm = boto3.client("resourcegroupstaggingapi"), boto3.client("secretsmanager")
text = open(log, errors="replace").read()
arns = [r["ResourceARN"] for page in tagging.get_paginator("get_resources").paginate(
        TagFilters=[{"Key": "dmsprov:stack", "Values": [stack]}], ResourceTypeFilters=["secretsmanager"])
        for r in page["ResourceTagMappingList"]]
bad = False
for arn in arns:
    value = sm.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT").get("SecretString", "")
    try:
        doc = json.loads(value)
        value = doc.get("password", "") if isinstance(doc, dict) else value
    except ValueError:
        pass
    if value and value in text:
        print(f"BAD the value of secret {arn} appeared in dmsprov's output")
        bad = True
print(f"{'BAD' if bad else 'ok '} no secret value of the stack's {len(arns)} secret(s) in dmsprov's output")
sys.exit(1 if bad else 0)
PY
}

step "validate"
dp 0 validate -t "$template" --parameters-file "$run_params"
step "plan: everything to add (exit 2 with --detailed-exitcode)"
dp 2 plan "${common[@]}" --detailed-exitcode
step "apply"
start=$(date +%s)
applied=1
dp 0 apply "${common[@]}" "${applyopts[@]}"
echo "(apply took $(( $(date +%s) - start ))s)"

step "check the live resources with boto3"
"$py" - "$template" "$stack" "$work/all.log" <<'PY'
import collections, json, sys, boto3, yaml
template, stack, log = sys.argv[1:]
class Loader(yaml.SafeLoader):
    pass
Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
want = collections.Counter(r.get("Type") for r in yaml.load(open(template), Loader=Loader)["Resources"].values())
tagging = boto3.client("resourcegroupstaggingapi")
arns = [r["ResourceARN"] for page in tagging.get_paginator("get_resources").paginate(
        TagFilters=[{"Key": "dmsprov:stack", "Values": [stack]}]) for r in page["ResourceTagMappingList"]]
kinds = {"AWS::S3::Bucket": "arn:aws:s3:::", "AWS::DMS::ReplicationInstance": ":rep:",
         "AWS::DMS::Endpoint": ":endpoint:", "AWS::DMS::ReplicationTask": ":task:",
         "AWS::SecretsManager::Secret": ":secret:", "AWS::SSM::Parameter": ":parameter/",
         "AWS::RDS::DBCluster": ":cluster:", "AWS::RDS::DBInstance": ":db:"}
bad = False
for kind, mark in kinds.items():
    found = sum(1 for a in arns if mark in a)
    if want[kind] or found:
        ok = found == want[kind]
        bad |= not ok
        print(f"{'ok ' if ok else 'BAD'} {kind}: {found} tagged dmsprov:stack={stack}, template has {want[kind]}")
dms = boto3.client("dms")
tasks = [t for t in dms.describe_replication_tasks()["ReplicationTasks"] if t["ReplicationTaskArn"] in arns]
for t in tasks:
    rules = json.loads(t.get("TableMappings") or "{}").get("rules", [])
    tables = [f"{r['object-locator'].get('schema-name')}.{r['object-locator'].get('table-name')}"
              for r in rules if r.get("rule-type") == "selection"]
    print(f"    task {t['ReplicationTaskIdentifier']}: {t['Status']}, {t['MigrationType']}, tables {' '.join(tables)}")
sys.exit(1 if bad else 0)
PY

no_secret_in_output

step "plan again: no changes (exit 0 with --detailed-exitcode)"
dp 0 plan "${common[@]}" --detailed-exitcode
if [ "$rotate" = 1 ]; then
  if grep -q 'AWS::SecretsManager::RotationSchedule' "$template"; then
    step "rotate the secret (dmsprov performs the rotation itself)"
    dp 0 rotate --stack "$stack" --template "$template"
    no_secret_in_output
    step "plan after the rotation: still no changes"
    dp 0 plan "${common[@]}" --detailed-exitcode
  else
    step "rotate: skipped, the template has no RotationSchedule"
  fi
fi
step "output"
dp 0 output --stack "$stack"

if [ "$keep" = 1 ]; then
  step "kept (--keep): not destroying"
  exit 0
fi
step "destroy"
dp 0 destroy --stack "$stack" -t "$template" --auto-approve --empty-buckets
applied=0

step "nothing left (boto3)"
"$py" - "$stack" "$run_params" "$work/all.log" "$template" <<'PY'
import json, sys, boto3, yaml
stack, params, log, template = sys.argv[1:]
tagging = boto3.client("resourcegroupstaggingapi")
left = [r["ResourceARN"] for page in tagging.get_paginator("get_resources").paginate(
        TagFilters=[{"Key": "dmsprov:stack", "Values": [stack]}]) for r in page["ResourceTagMappingList"]]
dms = boto3.client("dms")  # the tagging API does not list DMS subnet groups
for g in dms.describe_replication_subnet_groups().get("ReplicationSubnetGroups", []):
    arn = g.get("ReplicationSubnetGroupArn")
    tags = dms.list_tags_for_resource(ResourceArn=arn).get("TagList", []) if arn else []
    if {"Key": "dmsprov:stack", "Value": stack} in tags:
        left.append(arn)
iam = boto3.client("iam")
for role in iam.list_roles()["Roles"]:
    tags = iam.list_role_tags(RoleName=role["RoleName"]).get("Tags", [])
    if {"Key": "dmsprov:stack", "Value": stack} in tags:
        left.append(role["Arn"])
for arn in left:
    print(f"left behind: {arn}")
# NoEcho values generated for this run must never have been printed
text = open(log, errors="replace").read()
class Loader(yaml.SafeLoader):
    pass
Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
decl = (yaml.load(open(template), Loader=Loader) or {}).get("Parameters") or {}
noecho = {k for k, d in decl.items() if str(d.get("NoEcho", "")).lower() == "true"}
leaked = [p["ParameterKey"] for p in json.load(open(params))
          if p["ParameterKey"] in noecho and p["ParameterValue"] and p["ParameterValue"] in text]
for k in leaked:
    print(f"secret parameter {k} appeared in dmsprov's output")
if left or leaked:
    sys.exit(1)
print(f"nothing tagged dmsprov:stack={stack} is left")
PY
printf '\n== run-on-moto: %s passed (stack %s)\n' "$(basename "$example")" "$stack"
