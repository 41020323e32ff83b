# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""Use of the sslvdir package that the type stub must refuse: each line
with an "error" comment fails at run time, so mypy must report it (and
nothing else). Not a test module: tests/python-stubs.sh type-checks it.
"""

import sslvdir

policy = sslvdir.load_policy()
d = policy.decide("GET", "/owa/", "mail.contoso.com")
d._asdict()  # error: a struct sequence, not a NamedTuple
d._replace(status=302)  # error
d.status = 302  # error: read-only
policy.settings[sslvdir.KEY_SSL_OFFLOADED] = 0  # error: a read-only view

s = sslvdir.Settings()
s[sslvdir.KEY_SSL_OFFLOADED] = 1  # error: a read-only Mapping
del s[sslvdir.KEY_SSL_OFFLOADED]  # error
s.set(sslvdir.KEY_SSL_OFFLOADED, None)  # error: unset() removes

cfg = sslvdir.IISConfig.load("applicationHost.config")
cfg.ssl_flags(path="Default Web Site/owa")  # error: positional-only
policy.find_vdir(config_path="Default Web Site/owa")  # error
sslvdir.Builder().add_host(site="Default Web Site", host="mail.contoso.com")  # error

cert = sslvdir.Cert.load("mail.pem")
cert.index(cert[0])  # error: not a collections.abc.Sequence


class MyPolicy(sslvdir.Policy):  # error: the C types cannot be subclassed
    pass
