import os

import pytest

import sslvdir

CERTS = os.environ.get("SSLVDIR_TEST_CERTS", "tests/certs")
DATA = os.environ.get("SSLVDIR_TEST_DATA", "tests/data")


def cert_path(name):
    return os.path.join(CERTS, name)


def data_path(*parts):
    return os.path.join(DATA, *parts)


@pytest.fixture(scope="session")
def policy():
    return sslvdir.load_policy(hosts=["mail.contoso.com", "autodiscover.contoso.com"])


@pytest.fixture(scope="session")
def redirect_policy():
    """The default preset with Microsoft's http->https recipe asked for."""
    return sslvdir.load_policy(hosts=["mail.contoso.com", "autodiscover.contoso.com"], redirect=True)


@pytest.fixture(scope="session")
def offload_policy():
    return sslvdir.load_policy(preset="exchange2016-offload", offloaders=["10.0.0.5"])
