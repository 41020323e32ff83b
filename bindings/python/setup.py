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
