"""Locust users for the open-loop row of `make bench` (bench/reads.py starts locust with this
file): each user sends one request a second (`constant_throughput(1)`), so N users make a fixed
arrival rate of N/s whatever the answer times, over the requests file named in
BENCH_REQUESTS (bench/requests.lua's format: `path<TAB>Header: value` a line). FastHttpUser
(geventhttpclient) rather than HttpUser (requests): the client shares the 2 cores with the server,
and costs several times less CPU per request."""

import itertools
import os

from locust import FastHttpUser, constant_throughput, task

_LINES = [
    line.split("\t", 1)
    for line in open(os.environ["BENCH_REQUESTS"]).read().splitlines()  # noqa: SIM115
    if line
]
_NEXT = itertools.count()


class Reader(FastHttpUser):
    wait_time = constant_throughput(1)

    @task
    def read(self) -> None:
        path, header = _LINES[next(_NEXT) % len(_LINES)]
        name, _, value = header.partition(": ")
        with self.client.get(
            path, headers={name: value}, name="read", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
