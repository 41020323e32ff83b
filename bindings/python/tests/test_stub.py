# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""The type stub names what the package exports, and no more."""

import ast
import os

import sslvdir


def stub_names():
    path = os.path.join(os.path.dirname(sslvdir.__file__), "__init__.pyi")
    tree = ast.parse(open(path).read())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_stub_matches_exports():
    public = {n for n in sslvdir.__all__ if not n.startswith("_")}
    stub = {n for n in stub_names() if not n.startswith("_")}
    assert public - stub == set(), "exported but not in the stub"
    assert stub - public == set(), "in the stub but not exported"


def test_every_type_has_docs():
    for name in sslvdir.__all__:
        obj = getattr(sslvdir, name)
        if isinstance(obj, type) or callable(obj):
            assert obj.__doc__, name
