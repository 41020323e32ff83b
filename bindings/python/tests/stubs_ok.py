# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""Use of the sslvdir package that the type stub must accept (mypy --strict).

Not a test module: tests/python-stubs.sh type-checks it, nothing runs it.
"""

from typing import Dict, List, Optional, Tuple, Union

import sslvdir


def decide(policy: sslvdir.Policy) -> Tuple[str, int, Optional[str]]:
    d = policy.decide("GET", "/owa/", "mail.contoso.com", tls=False, peer="10.0.0.5")
    action, status = d[0], d[1]
    site = d.site.name if d.site else None
    assert action == d.action and status == d.status and d.n_fields == 14
    where: Optional[str] = None
    match d:
        case sslvdir.Decision(action="redirect", location=location):
            where = location
    return d.action, d.status, where or site


def settings(reg: sslvdir.RegFile) -> Dict[str, Union[int, str]]:
    with sslvdir.Settings() as s:
        reg.apply(s)
        s.set(sslvdir.KEY_SSL_OFFLOADED, 1)
        s.unset(sslvdir.KEY_SSL_OFFLOADED)
        out = dict(s)
        out.update(s.items())
        offloaded: Union[int, str, None] = s.get(sslvdir.KEY_SSL_OFFLOADED)
        fallback: Union[int, str] = s.get("HKLM\\Nope", 0)
        assert offloaded is None or fallback == 0 or sslvdir.KEY_SSL_OFFLOADED in s
        return out


def lookups(cfg: sslvdir.IISConfig) -> List[str]:
    flags, where = cfg.ssl_flags("Default Web Site/owa")
    enabled, destination, status = cfg.redirect("Default Web Site/owa")
    token, _ = cfg.extended_protection("Default Web Site/owa")
    with sslvdir.Plan(cfg, exchange_version=2016) as plan:
        plan.want("Default Web Site/owa", "offload")
        plan.build(iisreset=True)
        steps = [step.command for step in plan.steps("appcmd") if step.kind == "sslflags"]
    return steps + [sslvdir.flags_format(flags), str(where), str(enabled), str(destination),
                    str(status), token]


def certs(cert: sslvdir.Cert, trust: sslvdir.Trust) -> List[str]:
    names = [info.subject for info in cert]
    problems = trust.verify(cert, "mail.contoso.com")
    return names + [cert[0].thumbprint, str(len(cert)), str(problems)]


def audit(a: sslvdir.Audit) -> List[str]:
    a.set_exchange_version("SE")
    return [f.code for f in a.run()] + [f.severity for f in a]
