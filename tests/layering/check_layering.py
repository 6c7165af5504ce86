"""check_layering.py - proves that the build enforces the layering rules: for each library, a
header of a library it may use compiles with that library's own flags, and a header of one it
must not use fails to compile ("No such file"). Flags come from the build's
compile_commands.json, so the check sees exactly what the compiler sees. Within a library it
links, the engine may name only drivers/resources/driver.h (checked in its sources).

usage: check_layering.py BUILD_DIR
"""
import json
import os
import shlex
import subprocess
import sys

# library folder -> (headers it may include, headers it must not reach)
RULES = {
    "drivers/base": (["drivers/base/buf.h"],
                     ["drivers/core/client.h", "templates/template.h"]),
    "drivers/core": (["drivers/base/buf.h"],
                     ["drivers/resources/driver.h", "templates/template.h", "provisioner/session/session.h"]),
    "drivers/resources": (["drivers/core/client.h", "drivers/base/err.h"],
                          ["templates/template.h", "provisioner/engine/engine.h", "provisioner/state/state.h"]),
    "templates": (["drivers/base/buf.h"],
                  ["drivers/core/client.h", "drivers/resources/driver.h", "provisioner/engine/engine.h"]),
    "provisioner/session": (["drivers/core/client.h"],
                            ["provisioner/cli/cli.h", "provisioner/engine/engine.h", "templates/template.h"]),
    "provisioner/state": (["drivers/core/client.h"],
                          ["provisioner/engine/engine.h", "templates/template.h", "drivers/resources/driver.h"]),
    "provisioner/engine": (["drivers/resources/driver.h", "templates/template.h", "provisioner/state/state.h"],
                           ["provisioner/cli/cli.h", "provisioner/rotate/rotate.h", "provisioner/task/task_args.h"]),
    "provisioner/rotate": (["provisioner/state/state.h", "templates/yaml_loader.h"],
                           ["provisioner/cli/cli.h", "provisioner/task/task_args.h", "provisioner/engine/engine.h"]),
    "provisioner/task": (["provisioner/state/state.h", "drivers/resources/driver.h"],
                         ["provisioner/cli/cli.h", "provisioner/rotate/rotate.h", "provisioner/engine/engine.h"]),
    "provisioner/cli": (["provisioner/engine/engine.h", "provisioner/rotate/rotate.h", "provisioner/task/task_args.h"],
                        []),
}


# folder -> (include prefix, the only headers under it the folder's sources may name): the
# engine reaches drivers through driver.h alone, so it names no resource type.
SOURCE_RULES = {
    "provisioner/engine": ("drivers/resources/", {"drivers/resources/driver.h"}),
}


def check_sources(folder, prefix, allowed):
    """Lines of folder's own sources that include a header under prefix other than allowed."""
    bad = []
    root = os.path.join(SOURCE_DIR, folder)
    for name in sorted(os.listdir(root)):
        if not name.endswith((".c", ".h")):
            continue
        for no, line in enumerate(open(os.path.join(root, name)), 1):
            m = line.strip()
            if m.startswith('#include "' + prefix):
                header = m.split('"')[1]
                if header not in allowed:
                    bad.append(f"{folder}/{name}:{no}: {header}")
    return bad


def command_for(entries, folder):
    """The compile command of one source file directly in folder (not a subfolder)."""
    for e in entries:
        rel = os.path.relpath(e["file"], SOURCE_DIR)
        if os.path.dirname(rel) == folder and rel.endswith(".c") and not rel.endswith("main.c"):
            args = e.get("arguments") or shlex.split(e["command"])
            return e["directory"], args
    raise SystemExit(f"no compile command for a file in {folder}/")


def compiles(directory, args, header):
    keep, skip = [], False
    for a in args[:-1] if args[-1].endswith(".c") else args:
        if skip:
            skip = False
            continue
        if a in ("-o", "-c", "-MF", "-MT", "-MQ"):
            skip = a != "-c"
            continue
        if a.endswith(".c") or a in ("-MD", "-MMD"):
            continue
        keep.append(a)
    cmd = keep + ["-fsyntax-only", "-x", "c", "-"]
    p = subprocess.run(cmd, cwd=directory, input=f'#include "{header}"\nint dp_layering_probe;\n',
                       capture_output=True, text=True)
    return p.returncode == 0, p.stderr


def main():
    global SOURCE_DIR
    build = sys.argv[1]
    entries = json.load(open(os.path.join(build, "compile_commands.json")))
    SOURCE_DIR = os.environ.get("DP_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    failed = passed = 0
    for folder, (allowed, forbidden) in RULES.items():
        directory, args = command_for(entries, folder)
        for h in allowed:
            ok, err = compiles(directory, args, h)
            if ok:
                passed += 1
            else:
                failed += 1
                print(f"FAIL {folder} should reach {h}:\n{err}")
        for h in forbidden:
            ok, err = compiles(directory, args, h)
            if not ok and "No such file" in err:
                passed += 1
            else:
                failed += 1
                print(f"FAIL {folder} must not reach {h}, but " + ("it compiles" if ok else f"it failed otherwise:\n{err}"))
    for folder, (prefix, allowed) in SOURCE_RULES.items():
        bad = check_sources(folder, prefix, allowed)
        if bad:
            failed += 1
            print(f"FAIL {folder} may include only {', '.join(sorted(allowed))} under {prefix}:\n  " + "\n  ".join(bad))
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


SOURCE_DIR = None
if __name__ == "__main__":
    sys.exit(main())
