"""Slow clients cannot take the unsubscribe service's connections.

waitress serves at most `connection_limit` connections and closes one only after `channel_timeout` seconds with
no activity, so 120 clients sending one header line a second (slowloris) kept all 100 and the service stopped
answering until they left. Here every request must arrive whole (headers and body: at most 64 KB) within
REQUEST_DEADLINE seconds of its first byte, and a connection that sends nothing is closed as soon; the check runs
every second, and the limit on connections is raised well above what a few slow clients can fill. A reverse
proxy in front should still limit connections per client (README).
"""

from __future__ import annotations

import time
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer

REQUEST_DEADLINE = 10.0
# For create_server: how often waitress looks for idle and late connections, how many it keeps, and poll()
# rather than select(), which cannot watch more than 1,024 sockets.
ADJUSTMENTS: dict[str, Any] = {"cleanup_interval": 1, "channel_timeout": 30, "connection_limit": 1000,
                               "asyncore_use_poll": True}


class _TimedChannel(HTTPChannel):
    request_started = 0.0  # when the first byte of the request being received came

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_started = time.time()
        return bool(super().received(data))


def guard(server: Any, deadline: float = REQUEST_DEADLINE) -> None:
    """Make each listening server that `create_server` returned (or registered) cut late requests off."""
    found: list[Any] = [one for one in getattr(server, "map", {}).values() if isinstance(one, BaseWSGIServer)]
    for one in found or [server]:
        one.channel_class = _TimedChannel
        one.maintenance = _with_deadline(one, one.maintenance, deadline)


def _with_deadline(server: Any, plain: Any, deadline: float) -> Any:
    def maintenance(now: float) -> None:
        plain(now)
        for channel in list(server.active_channels.values()):
            if channel.requests:  # being answered: the application's own time
                continue
            if channel.request is not None:
                started = getattr(channel, "request_started", channel.creation_time)
            elif channel.last_activity == channel.creation_time:
                started = channel.creation_time  # connected and sent nothing yet
            else:
                continue  # idle between requests: channel_timeout's business
            if now - started > deadline:
                channel.will_close = True
    return maintenance
