# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""House structure (issue 11) of the addon: no file over ~400 lines, no
function over ~60 lines; race tests that run their own tests once."""

import ast
import inspect
import unittest
from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60


def _sources():
    return sorted(
        p for p in ADDON.rglob("*.py") if "tests" not in p.relative_to(ADDON).parts
    )


def test_no_file_is_over_400_lines():
    long = {
        str(p.relative_to(ADDON)): n
        for p in _sources()
        if (n := len(p.read_text().splitlines())) > MAX_FILE_LINES
    }
    assert not long, long


def test_no_function_is_over_60_lines():
    long = {}
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                size = node.end_lineno - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ADDON)}:{node.name}"] = size
    assert not long, long


def test_race_tests_inherit_no_test_method():
    from . import test_answer_race

    cls = test_answer_race.TestVendorAnswerRace
    inherited = {
        name
        for base in cls.__mro__[1:]
        for name, value in vars(base).items()
        if name.startswith("test") and inspect.isfunction(value)
    }
    assert not inherited, inherited
    names = unittest.TestLoader().getTestCaseNames(cls)
    assert sorted(names) == [
        "test_vendor_answer_after_fallback_is_refused",
        "test_vendor_answer_first_wins_over_the_fallback",
    ]
