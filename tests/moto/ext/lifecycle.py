"""lifecycle.py - status transitions for moto models, timed by moto's own state manager.

moto's ManagedState only knows one linear chain per model and most DMS models have no
transitions at all (endpoints stay "creating", tasks jump straight to "running"). install()
gives a model class a `status` property whose next state is computed by a function (so a task
can go "modifying" back to whatever it was before), while the *timing* still comes from
moto's state manager: POST /moto-api/state-manager/set-transition with the model names
registered here ("dms::endpoint", "dms::replicationtask", "rds::dbcluster", and moto's own
"dms::replicationinstance") switches between
  {"progression": "manual", "times": N}  one step after N describe calls (default N=1),
  {"progression": "time", "seconds": S}  one step every S seconds,
  {"progression": "immediate"}           straight to the final state.
"""
import threading
import time

from moto.moto_api import state_manager

# Default: every describe call that returns the resource moves it one step, so waiters must
# poll at least once and never wait for wall-clock time (the shared CTest server stays fast).
DEFAULT_TRANSITION = {"progression": "manual", "times": 1}

_lock = threading.RLock()


def register(model_name, transition=None):
    """Registers a default transition so set-transition/get-transition know the model."""
    state_manager.register_default_transition(model_name, dict(transition or DEFAULT_TRANSITION))


def _init(obj):
    if "_tick" not in obj.__dict__:
        obj._tick = 0
    if "_lc_since" not in obj.__dict__:
        obj._lc_since = time.monotonic()


def _may_step(obj, cfg):
    """True when the state manager's configuration allows one more step now."""
    prog = cfg.get("progression", "manual")
    if prog == "immediate":
        return True
    if prog == "time":
        secs = float(cfg.get("seconds", 1))
        if time.monotonic() - obj._lc_since < secs:
            return False
        obj._lc_since += secs
        return True
    times = int(cfg.get("times", 1))
    if obj._tick < times:
        return False
    obj._tick = 0
    return True


def install(cls, model_name, next_status, entered=None):
    """Replaces cls.status with a state-manager driven property.

    next_status(obj, status) -> the following status or None (stable state).
    entered(obj, old, new) is called after each automatic step (side effects such as dates,
    applying pending modifications). Assigning obj.status = X starts a new phase at X.
    cls gets advance() (one describe "tick", as in moto's ManagedState).
    """

    def get_status(self):
        with _lock:
            _init(self)
            cur = self.__dict__.get("_status")
            cfg = state_manager.get_transition(model_name)
            for _ in range(16):  # chains are short; bound protects against cycles
                nxt = next_status(self, cur)
                if nxt is None or nxt == cur or not _may_step(self, cfg):
                    break
                self._status = nxt
                if entered:
                    entered(self, cur, nxt)
                cur = nxt
                if cfg.get("progression", "manual") == "manual":
                    break  # manual progression: one step per N ticks
            return cur

    def set_status(self, value):
        with _lock:
            self._status = value
            self._tick = 0
            self._lc_since = time.monotonic()

    def advance(self):
        with _lock:
            _init(self)
            self._tick += 1

    cls.status = property(get_status, set_status)
    cls.advance = advance
    register(model_name)
