"""The app's one Redis connection pool, when REDIS_URL is set; None on a laptop."""

import redis
from flask import Flask, current_app

EXTENSION = "transform.redis"
#: A Redis that does not answer fails a request in seconds instead of hanging it.
CONNECT_TIMEOUT_S = 2
SOCKET_TIMEOUT_S = 5


def init_redis(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions[EXTENSION] = (
        redis.Redis.from_url(
            url,
            socket_connect_timeout=CONNECT_TIMEOUT_S,
            socket_timeout=SOCKET_TIMEOUT_S,
            health_check_interval=30,
        )
        if url
        else None
    )


def redis_client(app: Flask | None = None) -> redis.Redis | None:
    """The shared Redis client, or None when the app keeps its state in the process."""
    return (app or current_app).extensions.get(EXTENSION)


def redis_answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
