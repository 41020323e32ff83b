# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""What the objects say they are: signatures, a read-only Settings, lookups that raise.

inspect.signature() works on every public callable of the C extension, and
names the parameters the type stub names, with the same kinds (positional-
only, keyword-only); tests/python-stubs.sh runs mypy's stubtest for types.
"""

import ast
import collections.abc
import inspect
import os

import pytest

import sslvdir
from conftest import cert_path, data_path

CONFIG = data_path("config", "exchange2016.config")

P = inspect.Parameter
# The stub's kinds, as inspect names them.
POS, ANY, KW = P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY


def stub_params(fn, method):
    """[(name, kind)] of a stub def, a method's self/cls left out; "__x" is positional-only."""
    a = fn.args
    out = [(x.arg, POS) for x in a.posonlyargs]
    out += [(x.arg, ANY) for x in a.args]
    if a.vararg:
        out.append((a.vararg.arg, P.VAR_POSITIONAL))
    out += [(x.arg, KW) for x in a.kwonlyargs]
    if a.kwarg:
        out.append((a.kwarg.arg, P.VAR_KEYWORD))
    if method:
        out = out[1:]  # self, or cls (of a classmethod and of __new__)
    return [(n[2:], POS) if n.startswith("__") and not n.endswith("__") else (n, k)
            for n, k in out]


def stub_defs():
    """{"name" or "Class.name": [(param, kind)]}; of overloads, the longest."""
    path = os.path.join(os.path.dirname(sslvdir.__file__), "__init__.pyi")
    tree = ast.parse(open(path).read())
    defs = {}

    def add(key, fn):
        params = stub_params(fn, "." in key)
        if key not in defs or len(params) > len(defs[key]):
            defs[key] = params

    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            add(node.name, node)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    add(node.name + "." + item.name, item)
            for base in node.bases:  # _Closable's close() and __exit__()
                if isinstance(base, ast.Name) and base.id == "_Closable":
                    for item in next(n for n in tree.body if isinstance(n, ast.ClassDef)
                                     and n.name == "_Closable").body:
                        if isinstance(item, ast.FunctionDef):
                            add(node.name + "." + item.name, item)
    return defs


def runtime_params(obj):
    sig = inspect.signature(obj)
    params = list(sig.parameters.values())
    return [(p.name, p.kind) for p in params]


BUILTIN = (type(len), type(str.join), type(dict.__dict__["fromkeys"]))


def public_callables():
    """(key, callable) of every function and method the C extension defines."""
    for name in sslvdir.__all__:
        obj = getattr(sslvdir, name)
        if isinstance(obj, type(len)):
            yield name, obj
        elif isinstance(obj, type) and obj.__module__ == "sslvdir" and not issubclass(obj, tuple) \
                and not issubclass(obj, BaseException):
            for attr, v in vars(obj).items():
                if isinstance(v, BUILTIN) and (not attr.startswith("_")
                                                or attr in ("__enter__", "__exit__")):
                    yield name + "." + attr, getattr(obj, attr)


def test_every_builtin_has_the_stubs_signature():
    defs = stub_defs()
    seen = 0
    for key, fn in public_callables():
        assert key in defs, f"{key} is not in the stub"
        got = runtime_params(fn)  # raises ValueError without a text signature
        if got and got[0][0] in ("self", "cls", "module") and key.count(".") == 1:
            got = got[1:]
        assert got == defs[key], key
        seen += 1
    assert seen > 100  # the walk found the methods, not nothing


def test_constructors_have_the_stubs_signature():
    defs = stub_defs()
    for name in ("Settings", "Builder", "Plan", "Trust", "Audit", "Rewriter",
                 "AutodiscoverChain"):
        assert runtime_params(getattr(sslvdir, name)) == defs[name + ".__new__"], name
    # What no constructor makes says how to get one.
    for name, how in (("Policy", "Builder.build"), ("IISConfig", "load"), ("RegFile", "load"),
                      ("Cert", "load")):
        with pytest.raises(TypeError, match=how):
            getattr(sslvdir, name)()


def test_signatures_show_in_help():
    assert str(inspect.signature(sslvdir.Policy.decide)).startswith(
        "(self, /, method, target, host=None, *, tls=False")
    assert str(inspect.signature(sslvdir.IISConfig.ssl_flags)) == "(self, path, /)"
    assert str(inspect.signature(sslvdir.Settings.default)) == "(path, exchange_version=0, /)"
    assert sslvdir.Policy.decide.__doc__.startswith("-> Decision")


def test_records_are_struct_sequences():
    """Tuples with named fields; no NamedTuple methods that would fail at run time."""
    policy = sslvdir.load_policy(preset="exchange2016", hosts="mail.contoso.com",
                                 autodiscover_domains="contoso.com")
    d = policy.decide("GET", "/owa/", "mail.contoso.com")
    assert isinstance(d, tuple) and d.action == d[0] and d.n_fields == len(d) == 14
    assert not hasattr(d, "_asdict") and not hasattr(d, "_replace")
    with pytest.raises(TypeError):
        class Mine(sslvdir.Decision):  # noqa: F841  (the stub says @final)
            pass


def test_cert_is_iterable_and_indexable_not_a_sequence():
    cert = sslvdir.Cert.load(cert_path("server.pem"))
    infos = list(iter(cert))
    assert infos and infos == [cert[i] for i in range(len(cert))]
    assert not isinstance(cert, collections.abc.Sequence) and not hasattr(cert, "index")
    cert.close()
    with pytest.raises(ValueError):
        iter(cert)


def test_context_manager_exit_takes_three_arguments():
    s = sslvdir.Settings()
    with pytest.raises(TypeError):
        s.__exit__()
    assert s.__exit__(None, None, None) is False


# ---------------------------------------------------------------- Settings


def reg_settings():
    s = sslvdir.Settings()
    with sslvdir.RegFile.load(data_path("registry", "exchange2010-owa.reg")) as reg:
        reg.apply(s)
    return s


def test_settings_is_a_read_only_mapping():
    s = reg_settings()
    assert isinstance(s, collections.abc.Mapping)
    assert not isinstance(s, collections.abc.MutableMapping)
    before = dict(s)
    assert before and before == s.to_dict() and len(s) == len(before)
    assert list(s) == list(s.keys()) == list(before)
    assert isinstance(s.items(), collections.abc.ItemsView)
    assert dict(s.items()) == before and list(s.values()) == list(before.values())
    assert sslvdir.KEY_SSL_OFFLOADED in s and s.get(sslvdir.KEY_SSL_OFFLOADED) == 1
    assert "HKLM\\Nope" not in s and s.get("HKLM\\Nope", 7) == 7
    with pytest.raises(TypeError):
        s[sslvdir.KEY_SSL_OFFLOADED] = 0
    with pytest.raises(TypeError):
        s["HKLM\\SOFTWARE\\New\\Value"] = 1
    with pytest.raises(TypeError):
        del s[sslvdir.KEY_SSL_OFFLOADED]
    assert dict(s) == before  # nothing changed by the refused writes


def test_policy_settings_are_read_only():
    """A policy is immutable: a write to its settings raises, not lost on a copy."""
    policy = sslvdir.load_policy(preset="exchange2010-offload", hosts="mail.contoso.com",
                                 autodiscover_domains="contoso.com")
    assert policy.settings[sslvdir.KEY_SSL_OFFLOADED] == 1
    with pytest.raises(TypeError):
        policy.settings[sslvdir.KEY_SSL_OFFLOADED] = 0
    assert dict(policy.settings) == {p: v for p, v, _ in policy.settings_entries}


def test_settings_set_and_unset_are_the_way_to_change():
    s = sslvdir.Settings()
    s.set(sslvdir.KEY_SSL_OFFLOADED, 1)
    name = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Name"
    s.set(name, "text")
    assert dict(s) == {sslvdir.KEY_SSL_OFFLOADED: 1, name: "text"}
    s.unset(name)
    assert dict(s) == {sslvdir.KEY_SSL_OFFLOADED: 1}
    with pytest.raises(KeyError):
        s.unset(name)
    with pytest.raises(TypeError):
        s.set(sslvdir.KEY_SSL_OFFLOADED, None)
    s.close()
    with pytest.raises(ValueError):
        s.set(sslvdir.KEY_SSL_OFFLOADED, 0)


# ---------------------------------------------------------------- lookups


def test_iisconfig_lookups_on_a_misspelled_site_raise_naming_it():
    """Never the server level's answer for a site the configuration lacks."""
    with sslvdir.IISConfig.load(CONFIG) as cfg:
        for lookup in (cfg.ssl_flags, cfg.redirect, cfg.extended_protection):
            assert lookup("Default Web Site/owa")  # the real one answers
            for path in ("Default Website/owa", "Default Website", "/Default Website/owa/"):
                with pytest.raises(sslvdir.NotFoundError,
                                   match="no site 'Default Website' in the configuration"):
                    lookup(path)
        with pytest.raises(sslvdir.NotFoundError, match="no site 'Default Website'"):
            cfg.set_ssl_flags("Default Website/owa", "Ssl")
        # A path given as bytes that are not UTF-8: the same error, not a decoding one.
        with pytest.raises(sslvdir.NotFoundError, match="no site '\ufffd\ufffd'"):
            cfg.ssl_flags(b"\xff\xfe/owa")
        assert cfg.ssl_flags("Default Web Site/owa") == (264, "Default Web Site")


def test_builder_on_a_misspelled_site_or_vdir_raises_naming_it():
    b = sslvdir.Builder()
    b.apply_preset("exchange2016")
    for call in (lambda s, p: b.set_vdir_edge_flags(s, p, "Ssl"),
                 lambda s, p: b.set_vdir_backend_flags(s, p, "Ssl"),
                 lambda s, p: b.set_vdir_redirect(s, p, 302),
                 lambda s, p: b.set_vdir_url(s, p, "external", "https://mail.contoso.com/owa"),
                 lambda s, p: b.set_vdir_extended_protection(s, p, False),
                 lambda s, p: b.set_vdir_secure_cookies(s, p, True),
                 lambda s, p: b.set_vdir_upstream(s, p, "offload")):
        with pytest.raises(sslvdir.NotFoundError, match="'Default Website'"):
            call("Default Website", "/owa")
        with pytest.raises(sslvdir.NotFoundError, match="'/owaa'"):
            call("Default Web Site", "/owaa")
    for call in (lambda s: b.add_host(s, "mail.contoso.com"),
                 lambda s: b.set_canonical_host(s, "mail.contoso.com"),
                 lambda s: b.add_vdir(s, "/x"),
                 lambda s: b.set_site_autodiscover_redirect(s, "mail.contoso.com"),
                 lambda s: b.add_autodiscover_domain("contoso.com", "settings", s)):
        with pytest.raises(sslvdir.NotFoundError, match="'Default Website'"):
            call("Default Website")
    policy = b.build()
    assert policy.find_vdir("Default Website/owa") is None  # find_*: None, as the stub says
    assert policy.find_vdir("Default Web Site/owa") is not None


@pytest.mark.parametrize("with_config", [True, False])
def test_plan_on_a_site_or_vdir_that_does_not_exist_raises_naming_it(with_config):
    cfg = sslvdir.IISConfig.load(CONFIG) if with_config else None
    with sslvdir.Plan(cfg, exchange_version=2016) as plan:
        with pytest.raises(sslvdir.NotFoundError, match="'Default Website'"):
            plan.want("Default Website/owa", "offload")
        with pytest.raises(sslvdir.NotFoundError, match="'Default Web Site/owaa'"):
            plan.want("Default Web Site/owaa", "offload")
        plan.want("Default Web Site/owa", "offload")
        plan.build()
        targets = {s.target for s in plan.steps() if s.kind == "sslflags"}
        assert "Default Web Site/owa" in targets  # and the locations under it
        assert all(t.startswith("Default Web Site/owa") for t in targets)
    if cfg:
        cfg.close()
