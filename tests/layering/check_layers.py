#!/usr/bin/env python3
"""The layering gate (issue 16): which folder of src/ may include which.

The engine is pure and the adapters depend on it, never the reverse (docs/architecture.md):
  core          includes only core (and the standard library, fmt);
  readers       core, readers;
  presenters    core, presenters — never readers: what a reader did not use reaches the
                presenters as core/not_read.h values;
  terminology   core, readers (its tables), presenters (JSON and HTML writing), terminology;
  synth         core, readers, synth;
  cohort        core, readers, presenters, cohort;
  server        core, readers, presenters, terminology, assets, server;
  cli           everything above;
  assets        nothing.
It also refuses third-party headers of the adapters in the core (simdjson, httplib, OpenSSL,
SQLite, curl, zlib, Eigen): the core reads no bytes, sockets or files.

Usage: check_layers.py SRC_DIR [--self-test]. Exit 0 when every include keeps the layers, 1 with
one line per violation (file:line: layer includes "header").
"""
import os
import re
import sys

ALLOWED = {
    "core": {"core"},
    "readers": {"core", "readers"},
    "presenters": {"core", "presenters"},
    "terminology": {"core", "readers", "presenters", "terminology"},
    "synth": {"core", "readers", "synth"},
    "cohort": {"core", "readers", "presenters", "cohort"},
    "server": {"core", "readers", "presenters", "terminology", "assets", "server"},
    "cli": {"core", "readers", "presenters", "terminology", "assets", "server", "synth", "cohort", "cli"},
    "assets": {"assets"},
}
# Angle-bracket headers the core must not use (the core does no I/O).
CORE_FORBIDDEN_SYSTEM = re.compile(r"^(simdjson|httplib|openssl/|sqlite3|curl/|zlib|Eigen/|CLI/|spdlog/|fstream|iostream|filesystem|thread|mutex|ctime|clocale|locale|random)")
# Calls that would leak the clock, the environment or the locale into a result (<chrono> itself
# is allowed: the calendar arithmetic of core/date.cpp uses it without a clock).
CORE_FORBIDDEN_CALL = re.compile(r"\b(system_clock|steady_clock|high_resolution_clock|getenv|setlocale|std::time\s*\(|localtime|gmtime|rand\s*\()")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def violations(src):
    out = []
    layers_seen = set()
    for root, _dirs, files in os.walk(src):
        rel = os.path.relpath(root, src)
        layer = rel.split(os.sep)[0]
        if layer == ".":
            continue
        layers_seen.add(layer)
        for name in sorted(files):
            if not name.endswith((".h", ".hpp", ".cpp", ".cc", ".in")):
                continue
            path = os.path.join(root, name)
            if layer not in ALLOWED:
                out.append(f"{path}: the folder src/{layer} has no layer in tests/layering/check_layers.py (add it)")
                continue
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if layer == "core" and not line.lstrip().startswith("//"):
                        c = CORE_FORBIDDEN_CALL.search(line)
                        if c:
                            out.append(f"{path}:{n}: core uses {c.group(1).strip()} (the engine is pure: record + date → decision)")
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    quote, header = m.groups()
                    if quote == '"':
                        target = header.split("/")[0] if "/" in header else layer
                        if target not in ALLOWED[layer]:
                            out.append(f'{path}:{n}: {layer} includes "{header}" ({layer} may include: {", ".join(sorted(ALLOWED[layer]))})')
                    elif layer == "core" and CORE_FORBIDDEN_SYSTEM.match(header) and not header.startswith("switchpoint/"):
                        out.append(f"{path}:{n}: core includes <{header}> (the core does no I/O, threads, clocks or locale)")
    return out


def self_test():
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "core"))
        os.makedirs(os.path.join(d, "presenters"))
        with open(os.path.join(d, "core", "a.cpp"), "w") as f:
            f.write('#include "core/a.h"\n#include <vector>\n')
        with open(os.path.join(d, "presenters", "p.cpp"), "w") as f:
            f.write('#include "core/a.h"\n')
        assert violations(d) == [], violations(d)
        with open(os.path.join(d, "core", "b.cpp"), "w") as f:
            f.write('#include "readers/problems.h"\n#include <fstream>\nauto t = std::chrono::system_clock::now();\n')
        with open(os.path.join(d, "presenters", "q.cpp"), "w") as f:
            f.write('  #  include "readers/not_read.h"\n')
        v = violations(d)
        assert len(v) == 4, v
        assert any("core uses system_clock" in x for x in v), v
        assert any('core includes "readers/problems.h"' in x for x in v), v
        assert any("core includes <fstream>" in x for x in v), v
        assert any('presenters includes "readers/not_read.h"' in x for x in v), v
        os.makedirs(os.path.join(d, "newlayer"))
        with open(os.path.join(d, "newlayer", "x.h"), "w") as f:
            f.write("\n")
        assert any("has no layer" in x for x in violations(d))
    print("self-test: the gate finds a core→readers include, a core <fstream>, a clock in the core, a presenters→readers include and an unknown folder")


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    if "--self-test" in sys.argv:
        self_test()
    v = violations(sys.argv[1])
    for line in v:
        print(line)
    if v:
        print(f"{len(v)} include(s) break the layers (docs/architecture.md)")
        return 1
    print("layers kept: core ← readers, presenters ← adapters (no include goes the other way)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
