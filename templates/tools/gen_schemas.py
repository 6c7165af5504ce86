#!/usr/bin/env python3
"""gen_schemas.py - generate templates/schema_data.c from CloudFormation's resource schemas.

Source: the CloudFormation registry schemas that cfn-lint ships (with cfn-lint's patches
applied), read through cfn-lint's own API for us-east-1. The output is deterministic: the same
cfn-lint version always yields the same file, so the file is committed and
tests/schema/check_schemas.py can verify that it is current.

Usage: gen_schemas.py [OUTPUT]      (default: templates/schema_data.c next to this script)

What is taken from the schema, per property (nested objects included, instantiated per path so
that path-specific flags such as nested writeOnly stay exact; identical results are shared):
  kind / item kind   "type" (after $ref), arrays' "items"; see kind_of() for JSON documents
  DP_SP_REQUIRED     the enclosing object's "required"
  DP_SP_CREATE_ONLY  "createOnlyProperties" (any depth; "*" steps through array items)
  DP_SP_COND_CREATE_ONLY  "conditionalCreateOnlyProperties" (replacement in some cases)
  DP_SP_WRITE_ONLY   "writeOnlyProperties"
  DP_SP_TAGS         the resource's top-level Tags property
  allowed            "enum" (numbers as their decimal text; see also API_ENUMS)
  min/max_length, pattern
Read-only properties ("readOnlyProperties") are not inputs: they are left out of the property
tables and appear only as GetAtt attributes (cfn-lint's GetAtt list, which is the readOnly
list plus cfn-lint's documented extras, e.g. every property of AWS::SSM::Parameter).
GetAtt names of write-only or secret properties are dropped (see hidden_attribute()).
A $ref cycle (a definition that contains itself) is cut: the inner occurrence becomes a
free-form object (object = NULL). None of the 12 supported types has one today.

dmsprov's overlay (deliberate differences from the schemas) is in the OVERLAY section below,
one comment per item. The generator fails if an overlay path no longer exists.
"""
import json
import os
import sys

from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
import cfnlint.version

REGION = "us-east-1"

TYPES = [
    "AWS::S3::Bucket",
    "AWS::IAM::Role",
    "AWS::SSM::Parameter",
    "AWS::SecretsManager::Secret",
    "AWS::SecretsManager::RotationSchedule",
    "AWS::RDS::DBSubnetGroup",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::DMS::ReplicationSubnetGroup",
    "AWS::DMS::ReplicationInstance",
    "AWS::DMS::Endpoint",
    "AWS::DMS::ReplicationTask",
]

# ---------------------------------------------------------------------------------------------
# OVERLAY: dmsprov's documented additions. Paths are relative to the resource's Properties,
# "A/B" for nested properties.

# Sensitive values: never printed, only hashed in state (DP_SP_SECRET).
SECRET = {
    "AWS::RDS::DBCluster": [
        "MasterUserPassword",        # the database master password
    ],
    "AWS::RDS::DBInstance": [
        "MasterUserPassword",        # the database master password
        "TdeCredentialPassword",     # Oracle TDE key-store password
    ],
    "AWS::SecretsManager::Secret": [
        "SecretString",              # the secret value itself
    ],
    "AWS::DMS::Endpoint": [
        "Password",                                # the source/target database password
        "GcpMySQLSettings/Password",               # same, engine-specific settings
        "MicrosoftSqlServerSettings/Password",     # same, engine-specific settings
        "MongoDbSettings/Password",                # same, engine-specific settings
        "OracleSettings/AsmPassword",              # Oracle ASM password
        "OracleSettings/SecurityDbEncryption",     # Oracle TDE password (DMS docs)
        "KafkaSettings/SaslPassword",              # Kafka SASL password
        "KafkaSettings/SslClientKeyPassword",      # Kafka client private-key password
        "RedisSettings/AuthPassword",              # Redis AUTH password
    ],
    # AWS::SSM::Parameter Value is deliberately NOT flagged: it is secret only when Type is
    # SecureString, which the template evaluator decides per resource.
}

# Where {{resolve:ssm-secure:...}} is accepted (DP_SP_SECURE_REF_OK). CloudFormation's list
# ("Resources that support dynamic parameter patterns for secure strings", CloudFormation User
# Guide, dynamic references) names, among our types, only the two RDS master passwords.
SECURE_REF_OK = {
    "AWS::RDS::DBCluster": [
        "MasterUserPassword",        # CloudFormation: ssm-secure supported
    ],
    "AWS::RDS::DBInstance": [
        "MasterUserPassword",        # CloudFormation: ssm-secure supported
    ],
    "AWS::DMS::Endpoint": [
        "Password",                  # dmsprov extension (CloudFormation does not allow it)
    ],
}

# conditionalCreateOnlyProperties that dmsprov treats as always create-only, because the
# CloudFormation reference documents them as "Update requires: Replacement".
PROMOTE_CREATE_ONLY = {
    "AWS::RDS::DBCluster": [
        "Engine",                    # changing the engine replaces the cluster
        "MasterUsername",            # the master user name cannot be modified
    ],
}

# Values allowed beyond the schema's enum.
EXTRA_ALLOWED = {
    ("AWS::SSM::Parameter", "Type"): [
        "SecureString",              # dmsprov creates SecureString parameters (CFN cannot)
    ],
}

# Allowed values the CloudFormation schema leaves open but the service API enumerates: taken
# from botocore's model of the API (service, shape), so they track the API.
API_ENUMS = {
    ("AWS::DMS::ReplicationTask", "MigrationType"): ("dms", "MigrationTypeValue"),
    ("AWS::DMS::Endpoint", "EndpointType"): ("dms", "ReplicationEndpointTypeValue"),
    ("AWS::DMS::Endpoint", "SslMode"): ("dms", "DmsSslModeValue"),
}

# Strings (in CloudFormation) that hold a JSON document: a YAML mapping or a JSON string is
# accepted and canonicalised (DP_SK_JSON). Properties typed ["object", "string"] in the schema
# (e.g. IAM AssumeRolePolicyDocument, Policies/PolicyDocument) are JSON without an overlay.
JSON_STRINGS = {
    "AWS::DMS::ReplicationTask": [
        "TableMappings",             # DMS table-mapping rules document
        "ReplicationTaskSettings",   # DMS task settings document
        "TaskData",                  # DMS premigration task data document
    ],
}
# ---------------------------------------------------------------------------------------------

KINDS = {
    "string": "DP_SK_STRING",
    "integer": "DP_SK_INTEGER",
    "number": "DP_SK_NUMBER",
    "boolean": "DP_SK_BOOLEAN",
    "object": "DP_SK_OBJECT",
    "array": "DP_SK_ARRAY",
}
FLAG_ORDER = ["DP_SP_REQUIRED", "DP_SP_CREATE_ONLY", "DP_SP_SECRET", "DP_SP_WRITE_ONLY",
              "DP_SP_TAGS", "DP_SP_SECURE_REF_OK", "DP_SP_COND_CREATE_ONLY"]


def strip_props(path):
    """'/properties/A/B' -> 'A/B'"""
    prefix = "/properties/"
    if not path.startswith(prefix):
        raise SystemExit("unexpected schema path: %s" % path)
    return path[len(prefix):]


class TypeBuilder:
    """Builds the property model of one resource type."""

    def __init__(self, type_name, schema):
        self.type = type_name
        self.schema = schema
        self.defs = schema.get("definitions", {})
        self.read_only = {strip_props(p) for p in schema.get("readOnlyProperties", [])}
        self.create_only = {strip_props(p) for p in schema.get("createOnlyProperties", [])}
        self.cond_create_only = {strip_props(p)
                                 for p in schema.get("conditionalCreateOnlyProperties", [])}
        self.write_only = {strip_props(p) for p in schema.get("writeOnlyProperties", [])}
        for p in PROMOTE_CREATE_ONLY.get(type_name, []):
            if p not in self.cond_create_only:
                raise SystemExit("%s: %s is no longer conditionally create-only" % (type_name, p))
            self.create_only.add(p)
        self.secret = set(SECRET.get(type_name, []))
        self.secure_ref = set(SECURE_REF_OK.get(type_name, []))
        self.json_strings = set(JSON_STRINGS.get(type_name, []))
        self.seen_paths = set()

    def deref(self, v):
        """Resolves $ref chains; local keys win over the definition's. Returns (schema, name)."""
        name = None
        while "$ref" in v:
            ref = v["$ref"]
            if not ref.startswith("#/definitions/"):
                raise SystemExit("%s: unsupported $ref %s" % (self.type, ref))
            name = ref[len("#/definitions/"):]
            merged = dict(self.defs[name])
            merged.update({k: x for k, x in v.items() if k != "$ref"})
            v = merged
        return v, name

    def branch_props(self, v):
        """Properties of an object, including those only declared in oneOf/anyOf/allOf
        branches (e.g. S3 TargetObjectKeyFormat), in schema order."""
        props = dict(v.get("properties", {}))
        for key in ("oneOf", "anyOf", "allOf"):
            for branch in v.get(key, []):
                b, _ = self.deref(branch)
                for name, sub in b.get("properties", {}).items():
                    props.setdefault(name, sub)
        return props

    def build_object(self, v, name, path, stack):
        props = self.branch_props(v)
        required = set(v.get("required", []))
        additional = v.get("additionalProperties", True) is not False
        out = []
        for pname in sorted(props):
            ppath = path + [pname]
            if "/".join(ppath) in self.read_only:
                continue
            prop = self.build_prop(props[pname], pname, ppath, stack)
            if pname in required:
                prop["flags"].add("DP_SP_REQUIRED")
            out.append(prop)
        return {"name": name, "props": out, "additional": additional}

    def kind_of(self, v, name, path, stack):
        """Returns (kind, object-or-None) for a dereferenced schema v."""
        ty = v.get("type")
        if isinstance(ty, list):
            if "object" in ty and "string" in ty:
                return "DP_SK_JSON", None          # a policy document: mapping or JSON text
            ty = ty[0] if len(ty) == 1 else None
        if ty == "string" and "/".join(path) in self.json_strings:
            return "DP_SK_JSON", None
        if ty == "object":
            if self.branch_props(v):
                return "DP_SK_OBJECT", self.build_object(v, name, path, stack)
            if "patternProperties" in v:
                return "DP_SK_OBJECT", None        # a free-form map (e.g. SSM Tags)
            if v.get("additionalProperties", True) is False:
                return "DP_SK_OBJECT", self.build_object(v, name, path, stack)  # always {}
            return "DP_SK_JSON", None              # an untyped document
        if ty is None:
            return "DP_SK_ANY", None
        return KINDS[ty], None

    def build_prop(self, raw, pname, path, stack):
        key = "/".join(path)
        self.seen_paths.add(key)
        v, defname = self.deref(raw)
        if defname is not None and defname in stack:
            kind, obj = "DP_SK_OBJECT", None       # cycle: cut here (free-form)
        else:
            inner = stack | ({defname} if defname else set())
            kind, obj = self.kind_of(v, defname or pname, path, inner)
        item_kind = "DP_SK_ANY"
        if kind == "DP_SK_ARRAY" and "items" in v:
            iv, iname = self.deref(v["items"])
            if iname is not None and iname in stack:
                item_kind, obj = "DP_SK_OBJECT", None
            else:
                inner = stack | ({iname} if iname else set())
                item_kind, obj = self.kind_of(iv, iname or pname, path + ["*"], inner)
        flags = set()
        if key in self.create_only:
            flags.add("DP_SP_CREATE_ONLY")
        if key in self.cond_create_only and key not in self.create_only:
            flags.add("DP_SP_COND_CREATE_ONLY")
        if key in self.write_only:
            flags.add("DP_SP_WRITE_ONLY")
        if key in self.secret:
            flags.add("DP_SP_SECRET")
        if key in self.secure_ref:
            flags.add("DP_SP_SECURE_REF_OK")
        if key == "Tags":
            flags.add("DP_SP_TAGS")
        allowed = None
        if "enum" in v:
            allowed = [enum_text(x) for x in v["enum"]]
        api = API_ENUMS.get((self.type, key))
        if api:
            if allowed is not None:
                raise SystemExit("%s: %s now has an enum in the schema" % (self.type, key))
            allowed = api_enum(*api)
        extra = EXTRA_ALLOWED.get((self.type, key))
        if extra:
            allowed = (allowed or []) + [x for x in extra if x not in (allowed or [])]
        return {
            "name": pname,
            "kind": kind,
            "item_kind": item_kind,
            "object": obj,
            "flags": flags,
            "allowed": allowed,
            "min_length": v.get("minLength", -1),
            "max_length": v.get("maxLength", -1),
            "pattern": v.get("pattern"),
        }

    def check_overlay_paths(self):
        for group in (self.secret, self.secure_ref, self.json_strings):
            for p in group:
                if p not in self.seen_paths:
                    raise SystemExit("%s: overlay path %s not in the schema" % (self.type, p))
        for (t, p) in list(EXTRA_ALLOWED) + list(API_ENUMS):
            if t == self.type and p not in self.seen_paths:
                raise SystemExit("%s: overlay path %s not in the schema" % (self.type, p))


def hidden_attribute(tb, attr):
    """OVERLAY: GetAtt names that dmsprov does not offer although cfn-lint lists them (it
    lists every property of some types, e.g. AWS::RDS::DBInstance): write-only properties
    cannot be read back from AWS, and secret ones must not flow into other values."""
    path = attr.replace(".", "/")
    return path in tb.write_only or path in tb.secret


def api_enum(service, shape):
    import botocore.session
    model = botocore.session.get_session().get_service_model(service)
    return list(model.shape_for(shape).enum)


def enum_text(x):
    if isinstance(x, bool):
        return "true" if x else "false"
    return str(x)


def c_str(s):
    """A C string literal; '?' escaped (no trigraphs), non-ASCII as octal escapes."""
    if s is None:
        return "NULL"
    out = ['"']
    for byte in s.encode("utf-8"):
        ch = chr(byte)
        if ch in '"\\?':
            out.append("\\" + ch)
        elif 0x20 <= byte < 0x7f:
            out.append(ch)
        else:
            out.append("\\%03o" % byte)
    out.append('"')
    return "".join(out)


class Emitter:
    """Writes the model as C, sharing identical string lists and objects."""

    def __init__(self):
        self.lines = []
        self.lists = {}
        self.objects = {}

    def str_list(self, prefix, items):
        key = tuple(items)
        if key in self.lists:
            return self.lists[key]
        ident = "%s_%d" % (prefix, len(self.lists))
        body = ", ".join([c_str(x) for x in items] + ["NULL"])
        self.lines.append("static const char *const %s[] = {%s};" % (ident, body))
        self.lists[key] = ident
        return ident

    def obj(self, o):
        key = json.dumps(o, sort_keys=True, default=sorted)
        if key in self.objects:
            return self.objects[key]
        rows = []
        for p in o["props"]:       # children first: the file needs no forward declarations
            child = "&" + self.obj(p["object"]) if p["object"] is not None else "NULL"
            allowed = self.str_list("a", p["allowed"]) if p["allowed"] is not None else "NULL"
            flags = " | ".join(f for f in FLAG_ORDER if f in p["flags"]) or "0"
            rows.append("    {%s, %s, %s, %s, %s, %s, %d, %d, %s}," % (
                c_str(p["name"]), p["kind"], p["item_kind"], child, flags, allowed,
                p["min_length"], p["max_length"], c_str(p["pattern"])))
        ident = "o_%d" % len(self.objects)
        if rows:
            self.lines.append("static const dp_schema_prop %s_props[] = {" % ident)
            self.lines.extend(rows)
            self.lines.append("};")
            props = "%s_props" % ident
        else:
            props = "NULL"
        self.lines.append("static const dp_schema_object %s = {%s, %s, %d, %s};" % (
            ident, c_str(o["name"]), props, len(rows), "true" if o["additional"] else "false"))
        self.lines.append("")
        self.objects[key] = ident
        return ident


def build_all():
    out = []
    for t in TYPES:
        res = PROVIDER_SCHEMA_MANAGER.get_resource_schema(REGION, t)
        schema = res.schema
        tb = TypeBuilder(t, schema)
        root = tb.build_object(schema, "", [], frozenset())
        tb.check_overlay_paths()
        create_only = sorted(tb.create_only)
        out.append({
            "type": t,
            "root": root,
            "attributes": [a for a in res.get_atts.keys() if not hidden_attribute(tb, a)],
            "primary_id": [strip_props(p) for p in schema.get("primaryIdentifier", [])],
            "create_only_paths": create_only,
            "taggable": any(p["name"] == "Tags" for p in root["props"]),
        })
    return out


def render(types):
    em = Emitter()
    em.lines += [
        "/* schema_data.c - GENERATED by templates/tools/gen_schemas.py from the CloudFormation",
        " * resource schemas in cfn-lint %s (%s), plus dmsprov's overlay. Do not edit. */" % (
            cfnlint.version.__version__, REGION),
        '#include "templates/schema.h"',
        "",
        "/* prop rows: name, kind, item_kind, object, flags, allowed, min_length, max_length,"
        " pattern */",
        "",
    ]
    idents = []
    for i, t in enumerate(types):
        em.lines.append("/* %s */" % t["type"])
        root = em.obj(t["root"])
        attrs = em.str_list("a", t["attributes"])
        pid = em.str_list("a", t["primary_id"])
        co = em.str_list("a", t["create_only_paths"])
        ident = "t_%d" % i
        em.lines.append("static const dp_schema_type %s = {%s, &%s, %s, %s, %s, %s};" % (
            ident, c_str(t["type"]), root, attrs, pid, co, "true" if t["taggable"] else "false"))
        em.lines.append("")
        idents.append(ident)
    em.lines.append("/* Read by schema.c (not part of the public header). */")
    em.lines.append("extern const dp_schema_type *const dp_schema_table[];")
    em.lines.append("extern const size_t dp_schema_table_len;")
    em.lines.append("const dp_schema_type *const dp_schema_table[] = {")
    em.lines.extend("    &%s," % x for x in idents)
    em.lines.append("};")
    em.lines.append("const size_t dp_schema_table_len = %d;" % len(idents))
    return "\n".join(em.lines) + "\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    dest = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "schema_data.c")
    text = render(build_all())
    with open(dest, "w", encoding="ascii") as f:
        f.write(text)


if __name__ == "__main__":
    main()
