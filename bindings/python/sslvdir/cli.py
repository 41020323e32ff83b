"""The sslvdir command in Python (python3 -m sslvdir).

Same subcommands, options and exit codes as sslvdir(1): 0 done, 1 out of
memory, 2 usage or input error, 3 audit warnings, 4 audit errors, a
certificate check that fails, or an unknown cipher. --json output has the
same shape as the C command's for eval, cipher-bits, cert show/check,
audit and autodiscover candidates.
"""

import argparse
import json
import os
import socket
import sys
import time

import sslvdir

EXIT_USAGE = 2
EXIT_WARNINGS = 3
EXIT_PROBLEM = 4


class UsageError(Exception):
    pass


def _out(text=""):
    sys.stdout.write(text + "\n")


def _dump(obj):
    _out(json.dumps(obj))


# ---------------------------------------------------------------- policy options

def _ep_value(v):
    if v not in ("on", "off"):
        raise UsageError("--extended-protection takes on or off")
    return v == "on"


def _preset_option_args(p):
    p.add_argument("--redirect", action="store_true")
    p.add_argument("--extended-protection", type=_ep_value)


def _policy_args(p):
    p.add_argument("--preset")
    _preset_option_args(p)
    p.add_argument("--policy")
    p.add_argument("--host", action="append", default=[])
    p.add_argument("--offloader", action="append", default=[])
    p.add_argument("--offloader-cipher-bits")
    p.add_argument("--offloader-cipher-header")
    p.add_argument("--ad-domain", action="append", default=[])
    p.add_argument("--iisconfig")
    p.add_argument("--reg", action="append", default=[])


def _load_policy(a):
    if a.preset and a.policy:
        raise UsageError("give --preset or --policy, not both")
    if a.policy and (a.host or a.ad_domain):
        raise UsageError("--host and --ad-domain go with --preset; a policy file names its own")
    _check_preset_options(a, a.iisconfig and not a.preset and not a.host and not a.ad_domain)
    bits = getattr(a, "offloader_cipher_bits", None)
    header = getattr(a, "offloader_cipher_header", None)
    if (bits is not None or header is not None) and not a.offloader:
        raise UsageError("--offloader-cipher-bits and --offloader-cipher-header go with --offloader")
    if bits is not None:
        if not bits.isdigit() or int(bits) > 256:
            raise UsageError(f"--offloader-cipher-bits '{bits}': expected a key size from 0 to 256")
        bits = int(bits)
    return sslvdir.load_policy(preset=a.preset, policy=a.policy, hosts=a.host or None,
                               offloaders=a.offloader, iisconfig=a.iisconfig, reg=a.reg,
                               autodiscover_domains=a.ad_domain or None, redirect=a.redirect,
                               extended_protection=a.extended_protection,
                               offloader_cipher_bits=bits, offloader_cipher_header=header)


def _check_preset_options(a, no_preset=False):
    if (a.redirect or a.extended_protection is not None) and (a.policy or no_preset):
        raise UsageError("--redirect and --extended-protection go with a preset (--preset)")


# ---------------------------------------------------------------- eval / show

def _split_url(url):
    low = url.lower()
    for scheme in ("https://", "http://"):
        if low.startswith(scheme):
            rest = url[len(scheme):]
            cut = min([i for i in (rest.find("/"), rest.find("?")) if i >= 0] or [len(rest)])
            if cut == 0:
                raise UsageError(f"URL '{url}' has no host")
            return rest[:cut], rest[cut:] or "/", scheme == "https://"
    if url.startswith("/") or url == "*":
        return None, url, False
    raise UsageError(f"URL '{url}' must be http://..., https://... or an origin-form path")


def _decision_json(d):
    return {
        "action": d.action,
        "status": d.status or None,
        "substatus": d.substatus if d.substatus >= 0 else None,
        "location": d.location or None,
        "vdir": d.vdir.config_path if d.vdir else None,
        "path": d.path or None,
        "upstream": None if d.upstream == "auto" else d.upstream,
        "set_headers": d.set_headers,
        "remove_headers": list(d.remove_headers),
        "reason_code": d.reason,
        "reason": d.reason_text,
    }


def _status_text(d):
    if d.action == "allow":
        return "allow"
    return f"{d.action} {d.iis_status}"


def _decision_text(d):
    _out(f"action:    {_status_text(d)}")
    if d.location:
        _out(f"location:  {d.location}")
    _out(f"vdir:      {d.vdir.config_path} ({d.vdir.kind})" if d.vdir else "vdir:      -")
    _out(f"path:      {d.path or '-'}")
    if d.upstream != "auto":
        why = f" ({d.vdir.upstream_reason})" if d.vdir else ""
        _out(f"upstream:  {d.upstream}{why}")
    if d.remove_headers:
        _out("remove:    " + ", ".join(d.remove_headers))
    for name, value in d.set_headers.items():
        _out(f"set:       {name}: {value}")
    _out(f"reason:    {d.reason_text}")


def _check_peer(peer):
    # As the C command: a bare address, since the library trusts nothing it
    # cannot parse and "10.0.0.5:443" would quietly count as untrusted.
    for fam in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(fam, peer)
            return
        except (OSError, ValueError):
            pass
    raise UsageError(f"--peer '{peer}': expected a bare IPv4 or IPv6 address (no port, brackets or zone)")


def cmd_eval(argv):
    p = argparse.ArgumentParser(prog="sslvdir eval")
    _policy_args(p)
    p.add_argument("--tls", action="store_true")
    p.add_argument("--cipher-bits", type=int)
    p.add_argument("--client-cert", default="none")
    p.add_argument("--peer")
    p.add_argument("-H", dest="headers", action="append", default=[])
    p.add_argument("--json", action="store_true")
    p.add_argument("method")
    p.add_argument("url")
    a = p.parse_args(argv)
    host, target, https = _split_url(a.url)
    xfp = feh = None
    others = []
    for h in a.headers:
        name, sep, value = h.partition(":")
        if not sep or not name or not all(c.isalnum() or c == "-" for c in name):
            raise UsageError(f"-H '{h}': expected 'Name: value'")
        value = value.strip(" \t")
        low = name.lower()
        if low == "host":
            host = value
        elif low == "x-forwarded-proto":
            xfp = value
        elif low == "front-end-https":
            feh = value
        else:
            others.append((low, value))
    if a.peer is not None:
        _check_peer(a.peer)
    tls = a.tls or https
    try:
        cert = sslvdir.cert_status_parse(a.client_cert)
    except ValueError:
        raise UsageError(f"--client-cert '{a.client_cert}': expected ok, missing, untrusted, "
                         "expired or revoked") from None
    policy = _load_policy(a)
    bits = a.cipher_bits if a.cipher_bits is not None else (256 if tls else 0)
    if bits < 0:
        raise UsageError("--cipher-bits must be 0 or more")
    # The offloaders' cipher header, as a proxy would read it from the request.
    offload_cipher = None
    ch = policy.cipher_header
    for low, value in others:
        if ch and low == ch.lower():
            offload_cipher = value
    d = policy.decide(a.method, target, host, tls=tls, peer=a.peer, cipher_bits=bits,
                      client_cert=cert, x_forwarded_proto=xfp, front_end_https=feh,
                      offload_cipher=offload_cipher)
    if a.json:
        _dump(_decision_json(d))
    else:
        _decision_text(d)
    return 0


def _print_policy(policy):
    for i, site in enumerate(policy.sites):
        _out(f'site "{site.name}"' + (" (default)" if i == 0 else ""))
        _out("  hosts:     " + (", ".join(site.hosts) or "(none)"))
        _out(f"  canonical: {site.canonical_host} (https port {site.https_port})")
        if site.autodiscover_redirect:
            _out(f"  autodiscover redirect to: {site.autodiscover_redirect}")
        _out()
        _out(f"  {'PATH':<30} {'KIND':<12} {'EDGE':<22} {'BACKEND':<22} REDIRECT UPSTREAM")
        for v in site.vdirs:
            redirect = str(v.redirect_status) if v.redirect_status else "-"
            _out(f"  {v.path or '/':<30} {v.kind:<12} {v.edge_flags_text:<22} "
                 f"{v.backend_flags_text:<22} {redirect:<8} {v.upstream}")
        _out()
    for domain, action, target, site in policy.autodiscover_rules:
        if action == "settings":
            _out(f'autodiscover: @{domain}: settings from site "{site.name}"')
        elif action == "redirect-addr":
            _out(f"autodiscover: @{domain}: redirectAddr to LOCAL@{target}")
        else:
            _out(f"autodiscover: @{domain}: redirectUrl to {target}")
    shown = []
    for cidr, (bits, header) in zip(policy.offloaders, policy.offloader_ciphers):
        said = ([f"min cipher bits {bits}"] if bits else []) + ([f"cipher in {header}"] if header else [])
        shown.append(cidr + (f" ({', '.join(said)})" if said else ""))
    _out("trusted offloaders: " + (", ".join(shown) or "(none)"))
    for path, value, known in policy.settings_entries:
        shown = f"dword:{value:08x}" if isinstance(value, int) else f'"{value}"'
        _out(f"setting: {path} = {shown}" + ("" if known else " (not used by libsslvdir)"))
    for w in policy.warnings:
        _out(f"warning: {w}")


def cmd_show(argv):
    p = argparse.ArgumentParser(prog="sslvdir show")
    _policy_args(p)
    a = p.parse_args(argv)
    _print_policy(_load_policy(a))
    return 0


# ---------------------------------------------------------------- rewriting

def cmd_rewrite_header(argv):
    p = argparse.ArgumentParser(prog="sslvdir rewrite-header")
    _policy_args(p)
    p.add_argument("--vdir")
    p.add_argument("--json", action="store_true")
    p.add_argument("headers", nargs="+")
    a = p.parse_args(argv)
    policy = _load_policy(a)
    vdir = None
    if a.vdir:
        vdir = policy.find_vdir(a.vdir)
        if vdir is None:
            raise UsageError(f"--vdir '{a.vdir}': no such vdir in the policy")
    results = []
    for h in a.headers:
        name, sep, value = h.partition(":")
        if not sep or not name:
            raise UsageError(f"'{h}': expected 'Name: value'")
        value = value.lstrip(" \t")
        new = policy.rewrite_header(name, value, vdir)
        results.append({"name": name, "value": new, "changed": new != value})
    if a.json:
        _dump(results)
    else:
        for r in results:
            _out(f"{r['name']}: {r['value']}")
    return 0


def cmd_rewrite_body(argv):
    p = argparse.ArgumentParser(prog="sslvdir rewrite-body")
    _policy_args(p)
    p.add_argument("--replace", nargs=2, action="append", default=[], metavar=("FROM", "TO"))
    p.add_argument("--types")
    p.add_argument("--content-type", default="text/html")
    p.add_argument("--content-encoding")
    p.add_argument("--chunk", type=int, default=65536)
    p.add_argument("--stats", action="store_true")
    a = p.parse_args(argv)
    if not 1 <= a.chunk <= 16777216:
        raise UsageError(f"--chunk '{a.chunk}': expected 1 to 16777216 bytes")
    policy = _load_policy(a)
    with sslvdir.Rewriter(policy) as rw:
        for frm, to in a.replace:
            rw.add_literal(frm, to)
        if a.types:
            rw.set_types(a.types)
        mode = rw.begin(a.content_type, a.content_encoding)
        if mode == "pass-type":
            sys.stderr.write(f"sslvdir: content type '{a.content_type}' is not rewritten: "
                             "passed through as is\n")
        elif mode == "pass-encoded":
            sys.stderr.write(f"sslvdir: Content-Encoding '{a.content_encoding}': passed through as is\n")
        src, dst = sys.stdin.buffer, sys.stdout.buffer
        while True:
            chunk = src.read(a.chunk)
            if not chunk:
                break
            dst.write(rw.feed(chunk))
        dst.write(rw.finish())
        dst.flush()
        if a.stats:
            bytes_in, bytes_out, replacements = rw.counts
            note = ("; the length changed: send it chunked or with the new Content-Length"
                    if bytes_in != bytes_out else "")
            sys.stderr.write(f"sslvdir: {bytes_in} bytes in, {bytes_out} out, "
                             f"{replacements} replaced{note}\n")
    return 0


# ---------------------------------------------------------------- Autodiscover

def cmd_autodiscover(argv):
    if not argv or argv[0] not in ("respond", "json", "redirect", "candidates", "check-redirect"):
        raise UsageError("autodiscover needs respond, json, redirect, candidates or check-redirect")
    sub, argv = argv[0], argv[1:]
    p = argparse.ArgumentParser(prog=f"sslvdir autodiscover {sub}")
    p.add_argument("--json", action="store_true")
    if sub in ("respond", "json"):
        _policy_args(p)
        p.add_argument("--internal", action="store_true")
    if sub == "respond":
        p.add_argument("--spec-spelling", action="store_true")
        p.add_argument("--time-us", type=int, default=0)
        a = p.parse_args(argv)
        policy = _load_policy(a)
        body = sys.stdin.buffer.read(sslvdir_max_body() + 1)
        doc = policy.autodiscover_respond(body, side="internal" if a.internal else "external",
                                          time_us=a.time_us, spec_spelling=a.spec_spelling)
        return _emit_doc(a, 200, "text/xml; charset=utf-8", doc)
    if sub == "json":
        p.add_argument("query")
        a = p.parse_args(argv)
        policy = _load_policy(a)
        side = "internal" if a.internal else "external"
        if a.query.startswith("/"):
            # the whole request target: the path form Outlook sends first
            path, _, query = a.query.partition("?")
            status, body = policy.autodiscover_json(query, path=path, side=side)
        else:
            status, body = policy.autodiscover_json(a.query.lstrip("?"), side=side)
        return _emit_doc(a, status, "application/json; charset=utf-8", body.encode())
    if sub == "redirect":
        p.add_argument("--url")
        p.add_argument("--addr")
        p.add_argument("--mobilesync", action="store_true")
        p.add_argument("--spec-spelling", action="store_true")
        a = p.parse_args(argv)
        if bool(a.url) == bool(a.addr):
            raise UsageError("autodiscover redirect needs --url URL or --addr ADDRESS")
        if a.url:
            doc = sslvdir.autodiscover_redirect_url(a.url, spec_spelling=a.spec_spelling)
        else:
            doc = sslvdir.autodiscover_redirect_addr("mobilesync" if a.mobilesync else "outlook",
                                                     a.addr)
        return _emit_doc(a, 200, "text/xml; charset=utf-8", doc)
    if sub == "candidates":
        p.add_argument("email")
        a = p.parse_args(argv)
        cands = sslvdir.autodiscover_candidates(a.email)
        names = {"post": "POST", "get-redirect": "GET-redirect", "srv": "SRV"}
        if a.json:
            _dump([{"method": names[c.method], ("name" if c.method == "srv" else "url"): c.url}
                   for c in cands])
        else:
            for i, c in enumerate(cands, 1):
                _out(f"{i}. {names[c.method]:<12} {c.url}")
        return 0
    # check-redirect EMAIL (--url STATUS URL | --addr ADDRESS)...
    if len(argv) and argv[0] == "--json":
        as_json, argv = True, argv[1:]
    else:
        as_json = "--json" in argv
        argv = [x for x in argv if x != "--json"]
    if not argv:
        raise UsageError("autodiscover check-redirect needs EMAIL and steps (--url STATUS URL, --addr ADDRESS)")
    email, steps, i = argv[0], [], 1
    while i < len(argv):
        if argv[i] == "--url" and i + 2 < len(argv) + 0 and i + 2 <= len(argv) - 1:
            try:
                status = int(argv[i + 1])
            except ValueError:
                raise UsageError(f"--url '{argv[i + 1]}': expected an HTTP status") from None
            steps.append(("url", status, argv[i + 2]))
            i += 3
        elif argv[i] == "--addr" and i + 1 < len(argv):
            steps.append(("addr", 0, argv[i + 1]))
            i += 2
        else:
            raise UsageError(f"unexpected argument '{argv[i]}'")
    if not steps:
        raise UsageError("autodiscover check-redirect needs EMAIL and steps (--url STATUS URL, --addr ADDRESS)")
    results, accepted_all = [], True
    with sslvdir.AutodiscoverChain(email) as chain:
        for kind, status, value in steps:
            if not accepted_all:
                break
            entry = {"kind": "url" if kind == "url" else "address"}
            if kind == "url":
                entry["status"] = status
            entry["target"] = value
            reason = None
            try:
                if kind == "url":
                    chain.follow_url(value, status)
                else:
                    chain.follow_address(value)
            except sslvdir.RefusedError as e:
                reason, accepted_all = str(e), False
            entry.update(accepted=reason is None, reason=reason)
            results.append(entry)
        count, address = chain.count, chain.address
    if as_json:
        _dump({"email": email, "steps": results, "redirects": count, "address": address,
               "accepted": accepted_all})
    else:
        for r in results:
            if r["accepted"]:
                _out(f"accepted  {r['target']}")
            else:
                _out(f"refused   {r['target']}\n          {r['reason']}")
        _out(f"{count} redirect{'' if count == 1 else 's'} followed; now looking up {address}")
    return 0 if accepted_all else EXIT_PROBLEM


def sslvdir_max_body():
    return 65536


def _emit_doc(a, status, ctype, doc):
    if a.json:
        _dump({"status": status, "content_type": ctype,
               "body": doc.decode("utf-8", "surrogateescape")})
    else:
        sys.stdout.buffer.write(doc if doc.endswith(b"\n") else doc + b"\n")
        sys.stdout.flush()
    return 0


# ---------------------------------------------------------------- config

def _kind_of(path):
    """'reg' for a file named *.reg, 'config' for anything else, as the C command decides."""
    return "reg" if len(path) > 4 and path[-4:].lower() == ".reg" else "config"


def _load_any(path):
    if _kind_of(path) == "reg":
        return sslvdir.RegFile.load(path)
    return sslvdir.IISConfig.load(path)


ENCODINGS = {"utf-8": "UTF-8", "utf-8-bom": "UTF-8 with BOM", "utf-16le": "UTF-16LE",
             "utf-16be": "UTF-16BE"}


def _load_inputs(files, regs=None):
    """One applicationHost.config (or none) and the .reg files applied to a Settings;
    each .reg file is kept, with its name, in regs when a list is given."""
    config, settings = None, sslvdir.Settings()
    for path in files:
        obj = _load_any(path)
        if isinstance(obj, sslvdir.RegFile):
            if regs is None:
                with obj:
                    obj.apply(settings)
            else:
                obj.apply(settings)
                regs.append((path, obj))
        elif config is None:
            config = obj
        else:
            raise UsageError("one applicationHost.config at a time")
    return config, settings


def _reg_entry(kind, key, name, type_, value):
    """One entry of a .reg file as config show --json gives it: key, name and type apart."""
    entry = {"kind": kind, "key": key}
    if kind in ("value", "value-delete"):
        entry["name"] = name
    if kind == "value":
        entry["type"] = type_
        if isinstance(value, int):
            entry["dword"] = value
        else:
            text = None
            if type_ in ("REG_SZ", "REG_EXPAND_SZ") and b"\0" not in value:
                try:
                    text = value.decode("utf-8")
                except UnicodeDecodeError:
                    pass
            if text is not None:
                entry["string"] = text
            else:
                entry["hex"] = ",".join(f"{b:02x}" for b in value)
    return entry


def _config_show(config, settings, as_json, regs=()):
    result = {}
    if config is not None:
        apps = []
        for cpath, pool in config.applications:
            flags, where = config.ssl_flags(cpath)
            apps.append({"path": cpath, "ssl_flags": sslvdir.flags_format(flags),
                         "set_at": where, "pool": pool})
        result["config"] = {
            "encoding": ENCODINGS.get(config.encoding, config.encoding),
            "sites": [{"name": n, "hosts": h, "https_port": port} for n, h, port in config.sites],
            "applications": apps,
            "warnings": list(config.warnings),
        }
    result["reg_files"] = [{"file": path_, "entries": [_reg_entry(*e) for e in reg.entries],
                            "warnings": list(reg.warnings)} for path_, reg in regs]
    entries = []
    for path_, value, known in settings.entries():
        entry = {"path": path_}
        entry["dword" if isinstance(value, int) else "string"] = value
        entry["known"] = known
        entries.append(entry)
    result["registry"] = entries
    result["registry_warnings"] = list(settings.warnings)
    if as_json:
        _dump(result)
        return
    cfg = result.get("config")
    if cfg:
        _out(f"applicationHost.config ({cfg['encoding']})")
        for site in cfg["sites"]:
            _out(f"site \"{site['name']}\": hosts {site['hosts'] or '(none)'}, "
                 f"https port {site['https_port']}")
        _out(f"\n  {'APPLICATION':<46} {'SSLFLAGS':<22} {'SET AT':<22} POOL")
        for app in cfg["applications"]:
            where = app["set_at"]
            where = "(default)" if where is None else (where or "(server)")
            _out(f"  {app['path']:<46} {app['ssl_flags']:<22} {where[:22]:<22} {app['pool']}")
        for w in cfg["warnings"]:
            _out(f"warning: {w}")
    for path_, reg in regs:
        # The file as regedit would import it: the library's writer.
        _out(f"\n{path_}: {len(reg.entries)} entries, as regedit would import them")
        for line in reg.to_bytes(utf8=True).decode("utf-8").split("\r\n")[1:]:
            if line:
                _out(f"  {line}")
    if entries:
        _out("\nregistry values")
    for e in entries:
        shown = f"dword:{e['dword']:08x}" if "dword" in e else f'"{e["string"]}"'
        _out(f"  {e['path']} = {shown}" + ("" if e["known"] else " (unknown to libsslvdir)"))
    for w in result["registry_warnings"]:
        _out(f"warning: {w}")


def cmd_config(argv):
    if not argv or argv[0] not in ("show", "set", "plan"):
        raise UsageError("config needs show, set or plan")
    sub, argv = argv[0], argv[1:]
    if sub == "show":
        p = argparse.ArgumentParser(prog="sslvdir config show")
        p.add_argument("--json", action="store_true")
        p.add_argument("files", nargs="+")
        a = p.parse_args(argv)
        regs = []
        try:
            config, settings = _load_inputs(a.files, regs)
            _config_show(config, settings, a.json, regs)
        finally:
            for _, reg in regs:
                reg.close()
        return 0
    if sub == "set":
        p = argparse.ArgumentParser(prog="sslvdir config set")
        p.add_argument("--dry-run", action="store_true")
        p.add_argument("--json", action="store_true")
        p.add_argument("file")
        p.add_argument("vdir")
        p.add_argument("assignment")
        a = p.parse_args(argv)
        name, sep, value = a.assignment.partition("=")
        if not sep or name.lower() != "sslflags":
            raise UsageError(f"'{a.assignment}': only sslFlags=VALUE can be set")
        flags = sslvdir.flags_parse(value)
        with sslvdir.IISConfig.load(a.file) as cfg:
            try:
                before = cfg.ssl_flags(a.vdir)[0]
            except sslvdir.Error:
                before = 0
            was = cfg.to_bytes()
            cfg.set_ssl_flags(a.vdir, flags)
            # A set that changes nothing writes nothing: the .bak keeps the
            # previous real version.
            changed = cfg.to_bytes() != was
            write = changed and not a.dry_run
            if write:
                cfg.save(a.file)
        b, after = sslvdir.flags_format(before), sslvdir.flags_format(flags)
        if a.json:
            _dump({"file": a.file, "path": a.vdir, "before": b, "after": after,
                   "written": write})
        else:
            note = (" (dry run: not written)" if a.dry_run
                    else " (unchanged: not written)" if not changed else "")
            _out(f"{a.vdir}: sslFlags {b} -> {after}{note}")
        return 0
    # plan
    p = argparse.ArgumentParser(prog="sslvdir config plan")
    p.add_argument("files", nargs="*")
    p.add_argument("--offload", action="append", default=[])
    p.add_argument("--bridge", action="append", default=[])
    p.add_argument("--appcmd", action="store_true")
    p.add_argument("--exchange", type=_exchange_version, default=0)
    p.add_argument("--server")
    p.add_argument("--external-host")
    p.add_argument("--auth")
    p.add_argument("--iisreset", action="store_true")
    p.add_argument("--reg-out")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    if not a.offload and not a.bridge:
        raise UsageError("config plan needs --offload or --bridge 'Site/vdir'")
    config, settings = _load_inputs(a.files)
    has_reg = any(_kind_of(f) == "reg" for f in a.files)
    with sslvdir.Plan(config, settings if has_reg else None, exchange_version=a.exchange) as plan:
        if a.server or a.external_host or a.auth:
            plan.set_outlook_anywhere(a.server or "MyServer", a.external_host, a.auth)
        for v in a.offload:
            plan.want(v, "offload")
        for v in a.bridge:
            plan.want(v, "bridge")
        plan.build(iisreset=a.iisreset)
        appcmd, powershell = plan.steps("appcmd"), plan.steps("powershell")
        if a.json:
            _dump([{"kind": s.kind, "target": s.target, "appcmd": s.command,
                    "powershell": p.command, "why": s.why} for s, p in zip(appcmd, powershell)])
        else:
            for step in appcmd if a.appcmd else powershell:
                _out(step.command)
            if a.offload:  # as tools/config.c: every cumulative update undoes the steps
                _out("# Every Exchange cumulative update undoes these settings: perform these "
                     "steps again after each one (Configuring SSL offloading in Exchange 2013).")
        if a.reg_out:
            try:
                reg = plan.registry()
            except sslvdir.Error as e:
                sys.stderr.write(f"sslvdir: {a.reg_out}: {e}; no file written\n")
            else:
                with reg:
                    data = reg.to_bytes()
                with open(a.reg_out, "wb") as f:
                    f.write(data)
    if config is not None:
        config.close()
    return 0


def _exchange_version(v):
    """--exchange / --exchange-version: a year, or SE (Exchange Server SE)."""
    if v.upper() == "SE":
        return "SE"
    try:
        return int(v)
    except ValueError:
        raise argparse.ArgumentTypeError("a year (2007 ... 2019) or SE, not %r" % v) from None


# ---------------------------------------------------------------- certificates

def _password(a):
    if getattr(a, "password_file", None):
        with open(a.password_file, "rb") as f:
            return f.read().decode().rstrip("\r\n")
    return getattr(a, "password", None)


NEVER = 2 ** 63 - 1  # a certificate valid "forever" (99991231235959Z, RFC 5280)


def _iso(t):
    return None if t == NEVER else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def _text_time(t):
    return "never (no well-defined expiration)" if t == NEVER else \
        time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(t))


def _cert_json(cert):
    return {"format": cert.format, "wildcard": cert.has_wildcard, "chain": [
        {"subject": c.subject, "common_name": c.common_name, "issuer": c.issuer,
         "serial": c.serial, "thumbprint": c.thumbprint, "not_before": _iso(c.not_before),
         "not_after": _iso(c.not_after), "key": c.key_algorithm, "key_bits": c.key_bits,
         "signature": c.signature_algorithm, "self_signed": c.self_signed,
         "names": [{"type": t, "value": v} for t, v in c.sans]} for c in cert]}


WILDCARD_NOTE = "note: a wildcard certificate: Windows Mobile 5.0 devices refuse it"
PROBLEM_ORDER = ("untrusted", "invalid", "expired", "not-yet-valid", "revoked", "name")
IIS_CERT_STATUS = {"ok": "", "revoked": "403.13", "expired": "403.17"}


def _cert_args(p):
    p.add_argument("--password")
    p.add_argument("--password-file")
    p.add_argument("--json", action="store_true")


def _trust(a):
    if a.crl and not (a.ca or a.system_ca):
        raise UsageError("--crl needs --ca or --system-ca (the CA that signed it)")
    trust = sslvdir.Trust()
    for f in a.ca:
        trust.add_ca_file(f)
    if a.system_ca:
        trust.add_system()
    for f in a.crl:
        trust.add_crl_file(f)
    return trust


def _cert_show(cert, as_json):
    if as_json:
        _dump(_cert_json(cert))
        return
    n = len(cert)
    _out(f"format: {cert.format}, {n} certificate{'' if n == 1 else 's'}")
    for i, c in enumerate(cert):
        _out(f"certificate {i}: {c.subject}")
        _out(f"  issuer:      {c.issuer}")
        _out(f"  serial:      {c.serial}")
        _out(f"  thumbprint:  {c.thumbprint}")
        _out(f"  valid:       {_text_time(c.not_before)} to {_text_time(c.not_after)}")
        _out(f"  key:         {c.key_algorithm} {c.key_bits} bits")
        _out(f"  signature:   {c.signature_algorithm}")
        _out(f"  self-signed: {'yes' if c.self_signed else 'no'}")
        names = ",".join(f" {t.upper()}:{v}" for t, v in c.sans) or " (none)"
        _out(f"  names:      {names}")
    if cert.has_wildcard:
        _out(WILDCARD_NOTE)


def _policy_names(path):
    """Every host of a policy's sites (not a redirect site's), then autodiscover.DOMAIN."""
    policy = sslvdir.load_policy(policy=path)
    hosts = [h for site in policy.sites if not site.autodiscover_redirect for h in site.hosts]
    for domain, _, _, _ in policy.autodiscover_rules:
        name = f"autodiscover.{domain}"
        if name not in hosts:
            hosts.append(name)
    return hosts


def _cert_check(a, cert):
    hosts = [h for arg in a.host for h in arg.split(",") if h]
    if a.policy:
        hosts.extend(_policy_names(a.policy))
    report = {"thumbprint": cert[0].thumbprint, "hosts": [], "wildcard": cert.has_wildcard}
    lines, bad = [], False
    for h in hosts:
        try:
            by = cert.covers(h)
            invalid = False
        except sslvdir.ParseError:
            by, invalid = None, True
        report["hosts"].append({"host": h, "covered": by is not None, "by": by})
        bad = bad or by is None
        lines.append(f"{h}: covered by {by}" if by is not None else
                     f"{h}: NOT covered{' (not a host name)' if invalid else ''}")
    if cert.has_wildcard:
        lines.append(WILDCARD_NOTE)
    if a.ca or a.system_ca or a.crl:
        with _trust(a) as trust:
            problems, message = trust.verify(cert, None, a.time, explain=True)
        names = ",".join(p for p in PROBLEM_ORDER if p in problems)
        iis = IIS_CERT_STATUS.get(sslvdir.trust_status(problems), "403.16")
        report["chain"] = {"trusted": not problems, "problems": names,
                           "iis_status": iis if problems else None, "message": message}
        bad = bad or bool(problems)
        lines.append(f"chain: NOT trusted ({names}; as a client certificate: {iis}): {message}"
                     if problems else "chain: trusted")
    report["ok"] = not bad
    if a.json:
        _dump(report)
    else:
        for line in lines:
            _out(line)
    return EXIT_PROBLEM if bad else 0


def cmd_cert(argv):
    if not argv or argv[0] not in ("show", "check"):
        raise UsageError("cert show|check (see sslvdir(1))")
    sub, argv = argv[0], argv[1:]
    p = argparse.ArgumentParser(prog=f"sslvdir cert {sub}")
    _cert_args(p)
    if sub == "check":
        p.add_argument("--host", action="append", default=[])
        p.add_argument("--policy")
        p.add_argument("--ca", action="append", default=[])
        p.add_argument("--system-ca", action="store_true")
        p.add_argument("--crl", action="append", default=[])
        p.add_argument("--time", type=int)
    p.add_argument("cert")
    a = p.parse_args(argv)
    if sub == "check" and not (a.host or a.policy or a.ca or a.system_ca):
        raise UsageError("cert check: name a certificate file, and --host, --policy or --ca")
    with sslvdir.Cert.load(a.cert, _password(a)) as cert:
        if sub == "show":
            _cert_show(cert, a.json)
            return 0
        return _cert_check(a, cert)


def cmd_cipher_bits(argv):
    p = argparse.ArgumentParser(prog="sslvdir cipher-bits")
    p.add_argument("--json", action="store_true")
    p.add_argument("suites", nargs="+")
    a = p.parse_args(argv)
    results = []
    for suite in a.suites:
        try:
            bits, why = sslvdir.cipher_bits(suite), sslvdir.strerror(-4)
        except sslvdir.Error as e:
            bits, why = None, sslvdir.strerror(e.code)
        results.append({"cipher": suite, "bits": bits, "why": why})
    if a.json:
        _dump([{"cipher": r["cipher"], "bits": r["bits"]} for r in results])
    else:
        for r in results:
            if r["bits"] is None:
                _out(f"{r['cipher']}: unknown ({r['why']}): 403.5 where Ssl128 is required")
            else:
                weak = ": 403.5 where Ssl128 is required" if r["bits"] < 128 else ""
                _out(f"{r['cipher']}: {r['bits']} bits{weak}")
    return EXIT_PROBLEM if any(r["bits"] is None for r in results) else 0


# ---------------------------------------------------------------- audit

def cmd_audit(argv):
    p = argparse.ArgumentParser(prog="sslvdir audit")
    p.add_argument("--config")
    p.add_argument("--registry", action="append", default=[])
    p.add_argument("--cert")
    p.add_argument("--password")
    p.add_argument("--password-file")
    p.add_argument("--ca", action="append", default=[])
    p.add_argument("--system-ca", action="store_true")
    p.add_argument("--crl", action="append", default=[])
    p.add_argument("--namespace", action="append", default=[])
    p.add_argument("--exchange-version", type=_exchange_version)
    p.add_argument("--policy")
    p.add_argument("--preset")
    _preset_option_args(p)
    p.add_argument("--offloader", action="append", default=[])
    p.add_argument("--time", type=int)
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    if a.policy and a.preset:
        raise UsageError("give --policy or --preset, not both")
    _check_preset_options(a)
    with sslvdir.Audit() as audit:
        if a.config:
            audit.set_config(sslvdir.IISConfig.load(a.config))
        if a.registry:
            settings = sslvdir.Settings()
            for r in a.registry:
                with sslvdir.RegFile.load(r) as rf:
                    rf.apply(settings)
            audit.set_registry(settings)
        if a.cert:
            audit.set_cert(sslvdir.Cert.load(a.cert, _password(a)))
        if a.ca or a.system_ca or a.crl:
            audit.set_trust(_trust(a))
        for arg in a.namespace:
            for h in arg.split(","):
                if h:
                    audit.add_namespace(h)
        if a.exchange_version is not None:
            audit.set_exchange_version(a.exchange_version)
        if a.policy or a.preset or a.offloader or a.redirect or a.extended_protection is not None:
            audit.set_policy(sslvdir.load_policy(preset=a.preset, policy=a.policy,
                                                 offloaders=a.offloader, redirect=a.redirect,
                                                 extended_protection=a.extended_protection))
        if a.time is not None:
            audit.set_time(a.time)
        findings = audit.run()
        worst = audit.worst
    if a.json:
        _dump({"worst": worst, "findings": [
            {"severity": f.severity, "code": f.code, "object": f.object,
             "explanation": f.explanation, "fix": [x for x in f.fix.split("\n") if x]}
            for f in findings]})
    else:
        _audit_text(findings)
    return {"error": EXIT_PROBLEM, "warning": EXIT_WARNINGS}.get(worst, 0)


def _audit_text(findings):
    if not findings:
        _out("No finding: nothing the documents warn about was found.")
        return
    shown = 0
    for sev, label in (("error", "error"), ("warning", "warning"), ("info", "note")):
        group = [f for f in findings if f.severity == sev]
        if not group:
            continue
        _out(f"{chr(10) if shown else ''}== {len(group)} {label}{'' if len(group) == 1 else 's'} ==")
        shown += 1
        for f in group:
            _out(f"\n{f.severity} [{f.code}] {f.object}\n  {f.explanation}")
            if f.fix:
                _out("  fix:")
                for line in f.fix.split("\n"):
                    _out(f"    {line}")


# ---------------------------------------------------------------- small ones

def cmd_presets(argv):
    if argv:
        raise UsageError("presets takes no arguments")
    for name, desc in sslvdir.presets().items():
        _out(f"{name:<22} {desc}")
    return 0


def cmd_version(argv):
    if argv:
        raise UsageError("version takes no arguments")
    _out(f"sslvdir {sslvdir.version()[0]}")
    return 0


DEMO = [  # method, URL, peer, X-Forwarded-Proto, X-SSL-Cipher, cipher bits, note: the C command's table
    ("GET", "http://mail.contoso.com/owa/", "198.51.100.7", None, None, 0, "browser types http://"),
    ("GET", "https://mail.contoso.com/owa/", "198.51.100.7", None, None, 256, "browser over TLS"),
    ("GET", "http://mail.contoso.com/", "198.51.100.7", None, None, 0, "site root"),
    ("GET", "http://evil.example/owa/?x=1", "198.51.100.7", None, None, 0, "foreign Host"),
    ("POST", "http://mail.contoso.com/EWS/Exchange.asmx", "198.51.100.7", None, None, 0, "EWS client, plain"),
    ("POST", "https://mail.contoso.com/Microsoft-Server-ActiveSync?Cmd=Sync", "198.51.100.7", None, None, 256,
     "phone"),
    ("POST", "https://mail.contoso.com/EWS/mrsproxy.svc", "198.51.100.7", None, None, 256, "mailbox move"),
    ("GET", "https://mail.contoso.com/ecp/", "198.51.100.7", None, None, 56, "56-bit cipher"),
    ("GET", "http://mail.contoso.com/owa/", "198.51.100.7", "https", None, 0, "spoofed X-Forwarded-Proto"),
    ("GET", "http://mail.contoso.com/owa/", "10.0.0.5", "https", None, 0, "trusted LB, no cipher header"),
    ("GET", "http://mail.contoso.com/owa/", "10.0.0.5", "https", "ECDHE-RSA-AES256-GCM-SHA384", 0,
     "trusted LB names AES-256"),
    ("GET", "http://mail.contoso.com/owa/", "10.0.0.5", "https", "RC4-SHA", 0, "trusted LB names RC4"),
    ("GET", "http://mail.contoso.com/owa/calendar/published.html", "198.51.100.7", None, None, 0,
     "published calendar"),
    ("POST", "https://mail.contoso.com/autodiscover/autodiscover.json?@x/mapi/nspi", "198.51.100.7",
     None, None, 256, "ProxyShell shape"),
    ("GET", "https://mail.contoso.com/owa/%2e%2e/ecp/", "198.51.100.7", None, None, 256, "encoded dot-dot"),
    ("GET", "https://mail.contoso.com/ecp::$DATA/", "198.51.100.7", None, None, 256, "NTFS stream"),
    ("GET", "https://mail.contoso.com/ecp%252f", "198.51.100.7", None, None, 256, "double escaping"),
    ("GET", "https://mail.contoso.com/%EF%BD%85cp/", "198.51.100.7", None, None, 256, "fullwidth e"),
    ("POST", "http://mail.contoso.com/rpc/rpcproxy.dll", "198.51.100.7", None, None, 0, "Outlook Anywhere"),
]


def cmd_demo(argv):
    if argv:
        raise UsageError("demo takes no arguments")
    policy = sslvdir.load_policy(preset="exchange2016-offload", offloaders=["10.0.0.5"], redirect=True,
                                 offloader_cipher_header="X-SSL-Cipher")
    _out(f"libsslvdir {sslvdir.version()[0]} demo: Exchange 2016, offloaded as Configuring SSL offloading in Exchange 2013 says, "
         "hosts mail.contoso.com\nand autodiscover.contoso.com, trusted offloader 10.0.0.5 naming the cipher in "
         "X-SSL-Cipher, with --redirect:\nMicrosoft's opt-in http->https recipe for browsers (site root, owa, ecp get 302 to "
         "https). Exchange itself answers\nplain HTTP with 403.4.\n")
    _out(f"{'':<5} {'REQUEST':<58} {'FROM':<13} {'DECISION':<16} {'UPSTREAM':<8} VDIR / NOTE")
    for method, url, peer, xfp, cipher, bits, note in DEMO:
        host, target, tls = _split_url(url)
        d = policy.decide(method, target, host, tls=tls, peer=peer, cipher_bits=bits,
                          x_forwarded_proto=xfp, offload_cipher=cipher)
        up = d.upstream if d.action == "allow" else "-"
        vdir = d.vdir.config_path if d.vdir else "-"
        _out(f"{method:<5} {url[:58]:<58} {peer:<13} {_status_text(d):<16} {up:<8} {vdir}; {note}")
        if d.location:
            _out(f"{'':<5}   -> Location: {d.location}")
        elif d.action != "allow":
            _out(f"{'':<5}   -> {d.reason_text}")
    _out("\nRun 'sslvdir eval --json METHOD URL' for one request, 'sslvdir show' for the policy.")
    return 0


COMMANDS = {
    "eval": cmd_eval, "show": cmd_show, "rewrite-header": cmd_rewrite_header,
    "rewrite-body": cmd_rewrite_body, "autodiscover": cmd_autodiscover, "config": cmd_config,
    "cert": cmd_cert, "cipher-bits": cmd_cipher_bits, "audit": cmd_audit,
    "presets": cmd_presets, "demo": cmd_demo, "version": cmd_version,
}

USAGE = """usage: python3 -m sslvdir COMMAND [options]
commands: eval, show, rewrite-header, rewrite-body, autodiscover, config, cert,
          cipher-bits, audit, presets, demo, version (see sslvdir(1) and doc/python.md)
"""


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        (sys.stdout if argv else sys.stderr).write(USAGE)
        return 0 if argv else EXIT_USAGE
    cmd = COMMANDS.get(argv[0])
    if cmd is None:
        sys.stderr.write(f"sslvdir: unknown command '{argv[0]}'\n" + USAGE)
        return EXIT_USAGE
    try:
        return cmd(argv[1:])
    except SystemExit as e:  # argparse: usage errors exit 2, --help 0
        return e.code if isinstance(e.code, int) else EXIT_USAGE
    except UsageError as e:
        sys.stderr.write(f"sslvdir: {e}\n")
        return EXIT_USAGE
    except sslvdir.NoMemoryError as e:
        sys.stderr.write(f"sslvdir: {e}\n")
        return 1
    except MemoryError:
        sys.stderr.write("sslvdir: out of memory\n")
        return 1
    except (sslvdir.Error, OSError, ValueError) as e:
        sys.stderr.write(f"sslvdir: {e}\n")
        return EXIT_USAGE
    except BrokenPipeError:
        return 0
