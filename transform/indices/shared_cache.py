"""The scored-dashboard cache in Redis, shared by every worker and host (REDIS_URL set).

It keeps the rules of `transform.indices.cache.DashboardCache` (served while the data
stamp is unchanged, at most DASHBOARD_MAX_STALENESS_SECONDS stale, refreshed ahead) with
three differences that come from sharing:

- **Single flight.** Whoever scores a key holds a Redis lock for it (SET NX with a
  timeout, so a worker that dies frees it). A cold view that finds the lock taken waits
  for that computation and reads its result; a view with an older entry to show gets
  the older entry meanwhile. So N workers score a data stamp once, not N times.
- **The clock is the wall clock** (hosts share no monotonic clock), and an entry is
  pickled into Redis. Each process also keeps the last entry it read per key with its
  rendered HTML, and reads the pickle again only when the key's version has moved.
- **The refresh ahead is a job** on the RQ queue (`transform.indices.rescore`), run by a
  `flask worker`, not a thread of the web process: the web servers' cores answer
  requests while a worker scores. The view that starts it holds the key's lock and hands
  it to the job, which releases it when the fresh entry is stored.

While Redis does not answer, each view scores in its request, as if nothing were cached.

Entries are written only by this app into the Redis named by REDIS_URL, which is as
trusted as the database.
"""

import logging
import math
import pickle
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import redis
from cachetools import LRUCache
from rq import Queue

logger = logging.getLogger(__name__)

PREFIX = "transform:dashboard:"
#: An entry nobody reads for a day goes; its data stamp has long moved on.
ENTRY_TTL_S = 24 * 3600
#: Longer than any scoring; a lock outlives a dead holder by at most this.
LOCK_TIMEOUT_S = 120
POLL_S = 0.05
#: Release the lock only if it is still ours (it may have timed out and been re-taken).
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"
#: What a worker runs to score a key ahead of its window (by name: the web app only names it).
RESCORE = "transform.indices.rescore.run"


def entry_name(key: tuple) -> str:
    return PREFIX + ":".join(str(part) for part in key)


class RedisDashboardCache:
    def __init__(
        self,
        client: redis.Redis,
        max_entries: int,
        refresh_ahead: float,
        queue: Queue | None = None,
    ) -> None:
        self._redis = client
        self._queue = queue
        self._release_script = client.register_script(_RELEASE)
        self._local: LRUCache = LRUCache(maxsize=max_entries)
        self._local_lock = threading.Lock()
        self._refresh_ahead = refresh_ahead
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dashboard")
        self.clock: Callable[[], float] = time.time

    def clear(self) -> None:
        with self._local_lock:
            self._local.clear()
        for name in self._redis.scan_iter(f"{PREFIX}*"):
            self._redis.delete(name)

    def get(self, key: tuple, stamp: str, max_staleness_s: float, compute, compute_in_background):
        """The entry for `key`; `compute` scores in this request, the other in a thread."""
        try:
            return self._get(key, stamp, max_staleness_s, compute, compute_in_background)
        except redis.RedisError:
            # Redis down: the page still shows, scored in the request as with no cache.
            logger.warning("Dashboard cache unreachable; scoring %s in the request", key)
            return replace(compute(), computed_monotonic=self.clock())

    def _get(self, key, stamp, max_staleness_s, compute, compute_in_background):
        name = entry_name(key)
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        while True:
            entry = self._read(name)
            if entry is not None:
                age = self.clock() - entry.computed_monotonic
                if entry.stamp == stamp:
                    return entry
                if age < max_staleness_s:
                    if age >= max_staleness_s * self._refresh_ahead:
                        token = self._acquire(name)
                        if token is not None:
                            self._refresh_later(
                                key, name, token, compute_in_background, max_staleness_s
                            )
                    return entry
            token = self._acquire(name)
            if token is not None:
                try:
                    return self._store(name, compute)
                finally:
                    self._release(name, token)
            if entry is not None:
                return entry  # another worker is rescoring it; show what there is
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {LOCK_TIMEOUT_S} s for {name} to be scored")
            self._wait_for_holder(name)

    def _read(self, name: str):
        version = self._redis.get(f"{name}:version")
        if version is None:
            return None
        with self._local_lock:
            kept = self._local.get(name)
        if kept is not None and kept[0] == version:
            return kept[1]
        blob = self._redis.get(f"{name}:entry")
        if blob is None:
            return None
        entry = pickle.loads(blob)
        with self._local_lock:
            self._local[name] = (version, entry)
        return entry

    def _store(self, name: str, compute):
        started = self.clock()
        entry = replace(compute(), computed_monotonic=started)
        version = uuid.uuid4().hex.encode()
        pipe = self._redis.pipeline()
        pipe.set(f"{name}:entry", pickle.dumps(entry), ex=ENTRY_TTL_S)
        pipe.set(f"{name}:version", version, ex=ENTRY_TTL_S)
        pipe.execute()
        with self._local_lock:
            self._local[name] = (version, entry)
        return entry

    def _refresh_later(self, key, name: str, token: str, compute, window_s: float) -> None:
        """Score `key` ahead of its window on the queue, or in a thread without one.

        A queued rescore holds the key until the window ends, not LOCK_TIMEOUT_S: with no
        worker to run it, the first view after the window scores in its request.
        """
        if self._queue is None:
            self._background.submit(self._refresh, name, token, compute)
            return
        lapse_s = max(1, math.ceil(window_s))
        self._redis.expire(f"{name}:lock", lapse_s)
        self._queue.enqueue(
            RESCORE,
            key,
            token,
            job_timeout=LOCK_TIMEOUT_S,
            ttl=lapse_s,
            result_ttl=60,
            failure_ttl=24 * 3600,
        )

    def rescore(self, key: tuple, token: str, compute) -> None:
        """Store a fresh entry for `key` and release the lock `token` (a worker's job)."""
        name = entry_name(key)
        try:
            self._store(name, compute)
        finally:
            self._release(name, token)

    def release(self, key: tuple, token: str) -> None:
        self._release(entry_name(key), token)

    def _refresh(self, name: str, token: str, compute) -> None:
        try:
            self._store(name, compute)
        except Exception:
            # The entry stays; a view after the window rescores in its request and fails
            # visibly there if the fault is still present.
            logger.exception("Rescoring the dashboard %s in the background failed", name)
        finally:
            self._release(name, token)

    def _acquire(self, name: str) -> str | None:
        token = uuid.uuid4().hex
        taken = self._redis.set(f"{name}:lock", token, nx=True, ex=LOCK_TIMEOUT_S)
        return token if taken else None

    def _release(self, name: str, token: str) -> None:
        self._release_script(keys=[f"{name}:lock"], args=[token])

    def _wait_for_holder(self, name: str) -> None:
        while self._redis.exists(f"{name}:lock") and not self._redis.exists(f"{name}:version"):
            time.sleep(POLL_S)
