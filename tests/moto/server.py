"""server.py - runs moto's server with dmsprov's test-only extension loaded.

The extension (tests/moto/ext/) adds what moto lacks, on moto's own models, following
botocore's service model shapes; see tests/moto/README.md for the list and the reasons.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import ext  # noqa: F401  (registers the extension's handlers on import)
except ImportError:
    pass

from moto.server import main

if __name__ == "__main__":
    main(sys.argv[1:])
