"""The load generator: respondents through team links, PMOs reloading a dashboard.

Each respondent is a browser of their own: a new connection and session, the survey's
GET for the CSRF token, then the POST. Paced respondents are due at a given rate and
their latency counts from when they were due, so a server that falls behind is charged
for the wait too (no coordinated omission); closed-loop respondents start the next one
as soon as one is answered, which measures throughput at saturation. The same generator
drives the app and the hello-world baseline.
"""

import http.client
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ITEM = re.compile(r'name="(item-[^"]+)"')


class Client:
    """One persistent HTTP/1.1 connection with its cookies, as a browser tab keeps.

    http.client rather than urllib: urllib closes the connection after every request,
    which spends the shared cores on TCP set-up in both the clients and gunicorn.
    `source` binds the client to another loopback address, which the rate limits count
    apart.
    """

    def __init__(self, base: str, source: str | None = None):
        parsed = urllib.parse.urlsplit(base)
        self._connection = http.client.HTTPConnection(
            parsed.hostname,
            parsed.port,
            timeout=60,
            source_address=(source, 0) if source else None,
        )
        self._cookies: dict[str, str] = {}

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        headers = {}
        body = None
        if self._cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self._cookies.items())
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self._connection.request("POST" if data else "GET", path, body, headers)
                response = self._connection.getresponse()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn closed an idle keep-alive connection: reconnect once.
                self._connection.close()
                if attempt:
                    raise
        text = response.read().decode(errors="replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self._cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def close(self) -> None:
        self._connection.close()


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: Survey posts sent, and those answered 303 (stored, says the app).
    sent: int = 0
    accepted: int = 0
    last_answered: float = 0.0
    cpu_s: float = 0.0


def respond(base: str, link: str, outcome: Outcome, lock: threading.Lock) -> bool:
    """One respondent answering every item "4"; True when the app accepted it."""
    client = Client(base)
    try:
        status, page = client.request(f"/t/{link}")
        token = CSRF.search(page)
        if status != 200 or token is None:
            with lock:
                outcome.errors.append(f"survey GET {status}")
            return False
        answers = dict.fromkeys(ITEM.findall(page), "4")
        with lock:
            outcome.sent += 1
        status, _ = client.request(f"/t/{link}", {"csrf_token": token.group(1), **answers})
    finally:
        client.close()
    with lock:
        if status == 303:
            outcome.accepted += 1
        else:
            outcome.errors.append(f"survey POST {status}")
    return status == 303


def submit_paced(
    bases: list[str], links: list[str], numbers: range, rate: float, start_at: float, threads: int
) -> Outcome:
    """Respondents `numbers`, each due at start_at + number / rate, over the instances in turn."""
    cpu = time.process_time()
    outcome = Outcome(last_answered=start_at)
    lock = threading.Lock()
    remaining = iter(numbers)

    def respondent():
        while True:
            with lock:
                number = next(remaining, None)
            if number is None:
                return
            due = start_at + number / rate
            time.sleep(max(0.0, due - time.monotonic()))
            accepted = respond(
                bases[number % len(bases)], links[number % len(links)], outcome, lock
            )
            answered = time.monotonic()
            with lock:
                outcome.last_answered = max(outcome.last_answered, answered)
                if accepted:
                    outcome.latencies.append(answered - due)

    run_threads(respondent, threads)
    outcome.cpu_s = time.process_time() - cpu
    return outcome


def submit_closed(
    base: str, links: list[str], first: int, start_at: float, seconds: float, threads: int
) -> Outcome:
    """`threads` respondents one after another, flat out, from start_at for `seconds`."""
    cpu = time.process_time()
    outcome = Outcome(last_answered=start_at)
    lock = threading.Lock()
    end_at = start_at + seconds
    counter = iter(range(first, 10**9))

    def respondent():
        time.sleep(max(0.0, start_at - time.monotonic()))
        while time.monotonic() < end_at:
            with lock:
                number = next(counter)
            started = time.monotonic()
            accepted = respond(base, links[number % len(links)], outcome, lock)
            answered = time.monotonic()
            with lock:
                outcome.last_answered = max(outcome.last_answered, answered)
                if accepted:
                    outcome.latencies.append(answered - started)

    run_threads(respondent, threads)
    outcome.cpu_s = time.process_time() - cpu
    return outcome


def view(
    bases: list[str],
    url: str,
    login: dict,
    start_at: float,
    seconds: float,
    viewers: int,
    interval_s: float,
) -> Outcome:
    """`viewers` logged-in PMOs, over the instances in turn, each opening `url` every
    `interval_s` from start_at for `seconds`."""
    cpu = time.process_time()
    outcome = Outcome()
    lock = threading.Lock()
    end_at = start_at + seconds
    numbers = iter(range(viewers))

    def viewer():
        with lock:
            number = next(numbers)
        client = Client(bases[number % len(bases)])
        status, page = client.request("/auth/login")
        status, _ = client.request(
            "/auth/login", login | {"csrf_token": CSRF.search(page).group(1)}
        )
        if status != 303:
            with lock:
                outcome.errors.append(f"login {status}")
            return
        due = start_at
        while due < end_at:
            time.sleep(max(0.0, due - time.monotonic()))
            status, page = client.request(url)
            elapsed = time.monotonic() - due
            due += interval_s
            with lock:
                if status == 200 and "Respondents" in page:
                    outcome.latencies.append(elapsed)
                else:
                    outcome.errors.append(f"dashboard {status}")

    run_threads(viewer, viewers)
    outcome.cpu_s = time.process_time() - cpu
    return outcome


def failed_logins_until_refused(bases: list[str], source: str, most: int) -> int:
    """Failed login posts sent alternately to each instance, from the loopback address
    `source`, until one is refused with 429: how many were answered before it."""
    clients = [Client(base, source) for base in bases]
    tokens = [CSRF.search(client.request("/auth/login")[1]).group(1) for client in clients]
    for attempt in range(most):
        turn = attempt % len(clients)
        # A new unknown email each time: five failures of one email lock it (429 too).
        data = {"email": f"nobody-{attempt}@example.com", "password": "wrong-password-1"}
        status, _ = clients[turn].request("/auth/login", data | {"csrf_token": tokens[turn]})
        if status == 429:
            return attempt
    return most


def run_threads(target, count: int) -> None:
    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
