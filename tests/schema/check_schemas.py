#!/usr/bin/env python3
"""check_schemas.py - checks the compiled schema tables against cfn-lint's schemas, afresh.

Usage: check_schemas.py DUMP_PROGRAM SOURCE_DIR

DUMP_PROGRAM (test_schema_dump) prints the tables compiled into dmsprov as JSON. This script
derives the expected tables on its own from cfn-lint's CloudFormation schemas plus the overlay
written out below (the specification of dmsprov's deliberate differences), and compares every
property path: presence, kind, item kind, flags, allowed values, length limits, pattern and
additionalProperties; and per type the GetAtt attributes, primary identifier, create-only
paths and taggability. It also regenerates schema_data.c and requires it to be identical to
the committed file. Exit status: 0 ok, 1 mismatch, 77 when cfn-lint is not importable.
"""
import difflib
import json
import os
import subprocess
import sys
import tempfile

try:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
except ImportError:
    print("cfn-lint is not importable by %s: skipping" % sys.executable)
    sys.exit(77)

REGION = "us-east-1"
TYPES = {
    "AWS::S3::Bucket", "AWS::IAM::Role", "AWS::SSM::Parameter", "AWS::SecretsManager::Secret",
    "AWS::SecretsManager::RotationSchedule", "AWS::RDS::DBSubnetGroup", "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance", "AWS::DMS::ReplicationSubnetGroup", "AWS::DMS::ReplicationInstance",
    "AWS::DMS::Endpoint", "AWS::DMS::ReplicationTask",
}

# The overlay, as specified (see templates/tools/gen_schemas.py for the reasons).
EXPECT_SECRET = {
    ("AWS::RDS::DBCluster", "MasterUserPassword"),
    ("AWS::RDS::DBInstance", "MasterUserPassword"),
    ("AWS::RDS::DBInstance", "TdeCredentialPassword"),
    ("AWS::SecretsManager::Secret", "SecretString"),
    ("AWS::DMS::Endpoint", "Password"),
    ("AWS::DMS::Endpoint", "GcpMySQLSettings/Password"),
    ("AWS::DMS::Endpoint", "MicrosoftSqlServerSettings/Password"),
    ("AWS::DMS::Endpoint", "MongoDbSettings/Password"),
    ("AWS::DMS::Endpoint", "OracleSettings/AsmPassword"),
    ("AWS::DMS::Endpoint", "OracleSettings/SecurityDbEncryption"),
    ("AWS::DMS::Endpoint", "KafkaSettings/SaslPassword"),
    ("AWS::DMS::Endpoint", "KafkaSettings/SslClientKeyPassword"),
    ("AWS::DMS::Endpoint", "RedisSettings/AuthPassword"),
}
EXPECT_SECURE_REF = {
    ("AWS::RDS::DBCluster", "MasterUserPassword"),
    ("AWS::RDS::DBInstance", "MasterUserPassword"),
    ("AWS::DMS::Endpoint", "Password"),
}
EXPECT_PROMOTED = {("AWS::RDS::DBCluster", "Engine"), ("AWS::RDS::DBCluster", "MasterUsername")}
EXPECT_JSON_STRINGS = {
    ("AWS::DMS::ReplicationTask", "TableMappings"),
    ("AWS::DMS::ReplicationTask", "ReplicationTaskSettings"),
    ("AWS::DMS::ReplicationTask", "TaskData"),
}
EXPECT_EXTRA_ALLOWED = {("AWS::SSM::Parameter", "Type"): ["SecureString"]}
EXPECT_API_ENUMS = {
    ("AWS::DMS::ReplicationTask", "MigrationType"): ("dms", "MigrationTypeValue"),
    ("AWS::DMS::Endpoint", "EndpointType"): ("dms", "ReplicationEndpointTypeValue"),
    ("AWS::DMS::Endpoint", "SslMode"): ("dms", "DmsSslModeValue"),
}

problems = []


def problem(msg):
    problems.append(msg)


def paths(prefix):
    return {p[len("/properties/"):] for p in prefix}


def api_enum(service, shape):
    import botocore.session
    return list(botocore.session.get_session().get_service_model(service).shape_for(shape).enum)


def expected_type(tname):
    """Walks cfn-lint's schema; returns {path: record} plus per-type facts."""
    res = PROVIDER_SCHEMA_MANAGER.get_resource_schema(REGION, tname)
    sch = res.schema
    defs = sch.get("definitions", {})
    ro = paths(sch.get("readOnlyProperties", []))
    co = paths(sch.get("createOnlyProperties", []))
    cco = paths(sch.get("conditionalCreateOnlyProperties", []))
    wo = paths(sch.get("writeOnlyProperties", []))
    promoted = {p for (t, p) in EXPECT_PROMOTED if t == tname}
    for p in promoted:
        if p not in cco:
            problem("%s: %s is expected to be conditionally create-only" % (tname, p))
    co |= promoted
    secret = {p for (t, p) in EXPECT_SECRET if t == tname}
    recs = {}

    def resolve(v, stack):
        name = None
        while "$ref" in v:
            name = v["$ref"].split("/")[-1]
            if name in stack:
                return None, name
            stack = stack | {name}
            base = dict(defs[name])
            base.update({k: x for k, x in v.items() if k != "$ref"})
            v = base
        return v, name

    def props_of(v, stack):
        out = dict(v.get("properties", {}))
        for key in ("oneOf", "anyOf", "allOf"):
            for b in v.get(key, []):
                bv, _ = resolve(b, stack)
                for k, x in (bv or {}).get("properties", {}).items():
                    out.setdefault(k, x)
        return out

    def kind(v, path, stack):
        """-> (kind, has_object, object_schema_or_None)"""
        ty = v.get("type")
        if isinstance(ty, list):
            if set(ty) >= {"object", "string"}:
                return "json", None
            ty = ty[0] if len(ty) == 1 else None
        if ty == "string" and (tname, path) in EXPECT_JSON_STRINGS:
            return "json", None
        if ty == "object":
            if props_of(v, stack):
                return "object", v
            if "patternProperties" in v:
                return "object", None
            if v.get("additionalProperties", True) is False:
                return "object", v
            return "json", None
        return (ty or "any"), None

    def walk(v, prefix, stack):
        req = set(v.get("required", []))
        for name, raw in props_of(v, stack).items():
            path = prefix + name
            if path in ro:
                continue
            pv, dname = resolve(raw, stack)
            inner = stack | ({dname} if dname else set())
            item_kind, obj = "any", None
            if pv is None:
                k = "object"
            else:
                k, obj = kind(pv, path, inner)
                if k == "array" and "items" in pv:
                    iv, iname = resolve(pv["items"], inner)
                    if iv is None:
                        item_kind = "object"
                    else:
                        item_kind, obj = kind(iv, path + "/*", inner | ({iname} if iname else set()))
            flags = set()
            if name in req:
                flags.add("required")
            if path in co:
                flags.add("create_only")
            elif path in cco:
                flags.add("cond_create_only")
            if path in wo:
                flags.add("write_only")
            if path in secret:
                flags.add("secret")
            if (tname, path) in EXPECT_SECURE_REF:
                flags.add("secure_ref_ok")
            if path == "Tags":
                flags.add("tags")
            allowed = None
            if pv is not None and "enum" in pv:
                allowed = [("true" if x else "false") if isinstance(x, bool) else str(x)
                           for x in pv["enum"]]
            if (tname, path) in EXPECT_API_ENUMS:
                allowed = api_enum(*EXPECT_API_ENUMS[(tname, path)])
            allowed = (allowed or []) + EXPECT_EXTRA_ALLOWED.get((tname, path), []) or None
            pv = pv or {}
            recs[path] = {
                "kind": k, "item_kind": item_kind, "flags": sorted(flags), "allowed": allowed,
                "min_length": pv.get("minLength", -1), "max_length": pv.get("maxLength", -1),
                "pattern": pv.get("pattern"),
                "object": None if obj is None else
                ("additional" if obj.get("additionalProperties", True) is not False else "closed"),
            }
            if obj is not None:
                walk(obj, path + ("/*/" if k == "array" else "/"), inner)

    walk(sch, "", frozenset())
    for (t, p) in EXPECT_SECRET | EXPECT_SECURE_REF | EXPECT_JSON_STRINGS:
        if t == tname and p not in recs:
            problem("%s: overlay path %s is not a property any more" % (tname, p))
    attrs = [a for a in res.get_atts.keys()
             if a.replace(".", "/") not in wo and a.replace(".", "/") not in secret]
    facts = {
        "attributes": sorted(attrs),
        "primary_id": sorted(paths(sch.get("primaryIdentifier", []))),
        "create_only_paths": sorted(co),
        "taggable": "Tags" in sch.get("properties", {}),
    }
    return recs, facts


def flatten(obj, prefix, out):
    for p in obj["props"]:
        path = prefix + p["name"]
        if path in out:
            problem("duplicate property %s" % path)
        o = p["object"]
        out[path] = {
            "kind": p["kind"], "item_kind": p["item_kind"], "flags": sorted(p["flags"]),
            "allowed": p["allowed"], "min_length": int(p["min_length"]),
            "max_length": int(p["max_length"]), "pattern": p["pattern"],
            "object": None if o is None else ("additional" if o["additional"] else "closed"),
        }
        if o is not None:
            flatten(o, path + ("/*/" if p["kind"] == "array" else "/"), out)


def check_generated_file(source_dir):
    committed = os.path.join(source_dir, "templates", "schema_data.c")
    gen = os.path.join(source_dir, "templates", "tools", "gen_schemas.py")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "schema_data.c")
        subprocess.run([sys.executable, gen, out], check=True)
        with open(out) as f:
            fresh = f.read()
    with open(committed) as f:
        old = f.read()
    if fresh != old:
        diff = "".join(list(difflib.unified_diff(old.splitlines(True), fresh.splitlines(True),
                                                 "committed", "regenerated"))[:40])
        problem("templates/schema_data.c is stale: rerun templates/tools/gen_schemas.py\n" + diff)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    dump = json.loads(subprocess.run([sys.argv[1]], check=True, capture_output=True,
                                     text=True).stdout)
    got_types = {t["type"]: t for t in dump["types"]}
    if set(got_types) != TYPES or len(dump["types"]) != len(TYPES):
        problem("types: got %s" % sorted(got_types))
    nprops = 0
    for tname in sorted(TYPES & set(got_types)):
        t = got_types[tname]
        want, facts = expected_type(tname)
        got = {}
        flatten(t["root"], "", got)
        sch = PROVIDER_SCHEMA_MANAGER.get_resource_schema(REGION, tname).schema
        if t["root"]["additional"] != (sch.get("additionalProperties", True) is not False):
            problem("%s: root additionalProperties differs" % tname)
        for path in sorted(set(want) | set(got)):
            if path not in got:
                problem("%s: %s missing from the tables" % (tname, path))
            elif path not in want:
                problem("%s: %s is not in the schema (or is read-only)" % (tname, path))
            else:
                for field, wv in want[path].items():
                    if got[path][field] != wv:
                        problem("%s: %s %s: tables %r, schema %r" % (
                            tname, path, field, got[path][field], wv))
        nprops += len(got)
        for field, wv in facts.items():
            gv = t[field]
            if isinstance(wv, list):
                gv = sorted(gv)
            if gv != wv:
                problem("%s: %s: tables %r, schema %r" % (tname, field, gv, wv))
    check_generated_file(sys.argv[2])
    for p in problems:
        print("MISMATCH:", p)
    print("%d types, %d property paths compared, %d mismatches" % (
        len(got_types), nprops, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
