# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
import os

import pytest

import sslvdir

CERTS = os.environ.get("SSLVDIR_TEST_CERTS", "tests/certs")
DATA = os.environ.get("SSLVDIR_TEST_DATA", "tests/data")

# The namespace the tests' presets serve: load_policy() has no default one.
NS = {"hosts": ["mail.contoso.com", "autodiscover.contoso.com"], "autodiscover_domains": ["contoso.com"]}


def cert_path(name):
    return os.path.join(CERTS, name)


def data_path(*parts):
    return os.path.join(DATA, *parts)


@pytest.fixture(scope="session")
def policy():
    return sslvdir.load_policy(preset="exchange2016", **NS)


@pytest.fixture(scope="session")
def redirect_policy():
    """Exchange 2016 with Microsoft's http->https recipe asked for."""
    return sslvdir.load_policy(preset="exchange2016", redirect=True, **NS)


@pytest.fixture(scope="session")
def offload_policy():
    return sslvdir.load_policy(preset="exchange2016-offload", offloaders=["10.0.0.5"], **NS)
