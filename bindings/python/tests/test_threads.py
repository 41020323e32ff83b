# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""Calls that release the GIL, raced against another thread.

While a call runs without the GIL, another thread may close the object it
works on, use it, or release the memory it reads. Each test does that in a
loop: the interference is refused while the call runs (or cannot hurt it),
the call finishes or raises cleanly, and nothing reads freed memory (which
would crash here, or stop on an AddressSanitizer report in the sanitizer
build).
"""

import sys
import threading
import time

import pytest

import sslvdir
from conftest import data_path

ROUNDS = 100  # per test; a test also stops after SECONDS
SECONDS = 3.0
BUSY = "in use by another thread"


@pytest.fixture(autouse=True)
def fast_switches():
    # Hand the GIL over as often as possible, so that this thread runs while
    # the other one is in the library.
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def race(make, call, interfere, allowed=(), refusals=(RuntimeError,)):
    """Each round: obj = make(), call(obj) in a thread, and interfere(obj) in
    this one, again and again while it is refused (one of `refusals`) and the
    call runs. Once the call is over, interfere(obj) must succeed. Returns
    how many times interfere() was refused, and what the calls returned or
    raised (only `allowed` exceptions; any other fails the test)."""
    refused = 0
    results = []
    end = time.monotonic() + SECONDS
    for _ in range(ROUNDS):
        if time.monotonic() > end:
            break
        obj = make()
        started = threading.Event()
        errors = []

        def worker():
            started.set()
            try:
                results.append(call(obj))
            except allowed as e:
                results.append(e)
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        t = threading.Thread(target=worker)
        t.start()
        started.wait()
        done = False
        while not done and t.is_alive():
            try:
                interfere(obj)
                done = True
            except refusals as e:
                assert BUSY in str(e) or isinstance(e, BufferError)
                refused += 1
        t.join()
        assert errors == []
        if not done:
            interfere(obj)  # nothing runs any more: must not be refused
    return refused, results


def close(obj):
    obj.close()


def add_system(t):
    try:
        return t.add_system()
    except sslvdir.NotFoundError as e:  # no CA certificates on this machine
        return e


def test_trust_close_during_add_system():
    # close() while add_system() loads the system's CAs without the GIL: it
    # is refused until the call is done instead of freeing the store.
    refused, results = race(sslvdir.Trust, add_system, close, allowed=(ValueError,))
    for r in results:
        # a count; ValueError (closed) when close() came first; no CAs here
        assert isinstance(r, (int, ValueError, sslvdir.NotFoundError)), r
    if any(isinstance(r, int) and r > 0 for r in results):
        assert refused > 0


def test_trust_used_during_add_system():
    # Any other use of the store waits its turn too: reading or editing it
    # while add_system() writes to it would be a data race in GnuTLS.
    audit = sslvdir.Audit()

    def use(t):
        try:
            t.add_ca(b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
        except sslvdir.Error:
            pass  # garbage, refused by the library: the store was usable

    def verify(t):
        try:
            t.verify_der([b"\x30\x00"])
        except sslvdir.Error:
            pass  # garbage, refused by the library: the store was usable

    def lend(t):
        audit.set_trust(t)
        audit.set_trust(None)

    total = 0
    for interfere in (verify, lend):
        refused, results = race(sslvdir.Trust, add_system, interfere)
        total += refused
    refused, results = race(sslvdir.Trust, add_system, use)
    audit.close()
    if any(isinstance(r, int) and r > 0 for r in results):
        assert total + refused > 0


@pytest.mark.parametrize("how", ["parse_policy", "load_policy"])
def test_builder_close_during_policy_file(how):
    path = data_path("policy", "good", "minimal.xml")
    data = open(path, "rb").read()
    arg = data if how == "parse_policy" else path
    refused, results = race(sslvdir.Builder, lambda b: getattr(b, how)(arg), close,
                            allowed=(ValueError,))
    assert all(r is None or isinstance(r, ValueError) for r in results)


PARSERS = {
    "IISConfig.parse": (sslvdir.IISConfig.parse, ("config", "exchange2016.config")),
    "RegFile.parse": (sslvdir.RegFile.parse, ("registry", "exchange2010-owa.reg")),
    "Builder.parse_policy": (lambda b: sslvdir.Builder().parse_policy(b),
                             ("policy", "good", "minimal.xml")),
}


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_input_emptied_during_parse(name):
    # The parser reads a bytearray without the GIL: emptying it meanwhile is
    # refused (BufferError) until the parser is done.
    parse, src = PARSERS[name]
    data = open(data_path(*src), "rb").read()

    def empty(buf):
        del buf[:]

    refused, results = race(lambda: bytearray(data), parse, empty,
                            allowed=(sslvdir.Error,), refusals=(BufferError,))
    assert results
    for r in results:
        # the whole input parsed, or the empty one refused
        assert not isinstance(r, sslvdir.Error) or r.code in (-3, -7), r
