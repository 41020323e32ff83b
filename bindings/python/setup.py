# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""The extension sslvdir._sslvdir, for pip (pyproject.toml holds the rest).

It is built from every .c file beside this one, which are the sources the
autotools build uses (PYTHON_EXT_SOURCES in Makefile.am; tests/pip-install.sh
checks that the two agree), against the libsslvdir that pkg-config finds:
an installed one, never the source tree's. Its version is that library's.
"""
import glob
import os
import shlex
import subprocess
import sys

import setuptools
from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def pkg_config(*args):
    cmd = [os.environ.get("PKG_CONFIG", "pkg-config"), *args, "sslvdir"]
    try:
        run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except FileNotFoundError:
        raise SystemExit("sslvdir: pkg-config not found: install it (Debian: pkgconf)") from None
    if run.returncode != 0:
        raise SystemExit(f"sslvdir: `{' '.join(cmd)}` failed ({run.stderr.strip()}): install libsslvdir "
                         "first (make install), and if its prefix is not the system's, set "
                         "PKG_CONFIG_PATH to the directory of its sslvdir.pc")
    return run.stdout.strip()


def have_bdist_wheel():
    # setuptools 70.1 and later build wheels themselves; before, pip's wheel
    # (and its metadata step, dist_info) needs the separate `wheel` package,
    # which --no-build-isolation does not fetch and a new venv does not have
    # (Debian 12's python3 -m venv gives pip and setuptools 66 only).
    try:
        import setuptools.command.bdist_wheel  # noqa: F401
        return True
    except ImportError:
        pass
    try:
        import wheel.bdist_wheel  # noqa: F401
        return True
    except ImportError:
        return False


if {"bdist_wheel", "dist_info", "editable_wheel"} & set(sys.argv[1:]) and not have_bdist_wheel():
    raise SystemExit(f"sslvdir: setuptools {setuptools.__version__} needs the `wheel` package to build a "
                     "wheel, and this environment has none: make the venv with --system-site-packages "
                     "(Debian: python3-wheel), or `pip install wheel` in it, then run pip again")


sources = sorted(os.path.relpath(p, HERE) for p in glob.glob(os.path.join(HERE, "*.c")))
setup(
    version=pkg_config("--modversion"),
    ext_modules=[
        Extension(
            "sslvdir._sslvdir",
            sources=sources,
            depends=["_sslvdir.h"],
            # As Makefile.am builds it: CPython's object casts, and no
            # symbol exported but PyInit__sslvdir.
            extra_compile_args=shlex.split(pkg_config("--cflags"))
            + ["-fno-strict-aliasing", "-fvisibility=hidden"],
            extra_link_args=shlex.split(pkg_config("--libs")),
        )
    ],
)
