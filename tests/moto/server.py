"""server.py - runs moto's server with dmsprov's test-only extension loaded.

The extension (tests/moto/ext/) adds what moto lacks, on moto's own models, following
botocore's service model shapes, plus a test control API (/moto-api/dmsprov/) and scoped
fault injection; see tests/moto/README.md for the list and the reasons.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ext  # noqa: E402  (patches moto's models on import; a failure here must be loud)
from moto.server import main  # noqa: E402

if __name__ == "__main__":
    ext.install_server()
    main(sys.argv[1:])
