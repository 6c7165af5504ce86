"""dmsprov's test-only moto extension (imported by tests/moto/server.py).

Importing it patches moto's own models and responses (DMS, RDS, Secrets Manager; see each
module's docstring for what moto lacks and why we add it); install_server() puts the control
API and fault injection (control.py, faults.py) and the IAM Identity Center portal (sso.py) in
front of moto's WSGI dispatcher.
See tests/moto/README.md.
"""
from . import dms_resources, dms_tasks, rds_secrets  # noqa: F401  (patch on import)
from . import control, sso


def install_server():
    """Makes moto.server.main() serve through our middleware."""
    import moto.server

    base = moto.server.DomainDispatcherApplication
    if getattr(base, "_dmsprov", False):
        return
    sso.install()

    class Dispatcher(base):
        _dmsprov = True

        def __call__(self, environ, start_response):
            if sso.handles(environ):  # the SSO portal (any Host) and its control calls
                return sso.handle(environ, start_response)
            return control.middleware(super().__call__, environ, start_response)

    moto.server.DomainDispatcherApplication = Dispatcher
