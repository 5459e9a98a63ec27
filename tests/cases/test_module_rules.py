"""Rules of the cases package that code review would otherwise have to remember (read from the source)."""

import ast
from pathlib import Path

import pytest

import schoolgate.cases
from schoolgate.cases.audit_events import AuditEvent

PACKAGE = Path(schoolgate.cases.__file__).parent
MODULES = sorted(p for p in PACKAGE.glob("*.py"))


def tree(path):
    return ast.parse(path.read_text(), filename=str(path))


def own_module(node) -> str | None:
    """The project module an import statement names, or None for the standard library and third parties."""
    if isinstance(node, ast.ImportFrom):
        if node.level:
            return "." * node.level + (node.module or "")
        name = node.module or ""
    elif isinstance(node, ast.Import):
        name = node.names[0].name
    else:
        return None
    return name if name.split(".")[0] == "schoolgate" else None


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_project_imports_are_at_module_top(path):
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = [own_module(n) for n in ast.walk(node) if own_module(n)]
            assert not inner, f"{path.name}: {node.name}() imports {inner} inside the function"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_import_of_chats_and_no_guarded_imports(path):
    for node in ast.walk(tree(path)):
        name = own_module(node) or ""
        assert not name.startswith("schoolgate.chats"), f"{path.name} imports {name}: cases never depend on chats"
        if isinstance(node, ast.Try):
            caught = [ast.unparse(h.type) for h in node.handlers if h.type is not None]
            assert "ImportError" not in caught, f"{path.name}: an ImportError guard hides real import errors"


def test_reminders_do_not_know_how_they_are_scheduled():
    names = {own_module(n) for n in ast.walk(tree(PACKAGE / "reminders.py"))}
    assert ".tasks" not in names and ".deadlines" not in names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_every_audit_action_is_an_audit_event(path):
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record" and node.args:
            action = node.args[0]
            named = isinstance(action, ast.Attribute) and getattr(action.value, "id", None) == "AuditEvent"
            assert named or ast.unparse(action) == "event", f"{path.name}:{node.lineno}: record({ast.unparse(action)}, ...)"


def test_audit_event_values():
    assert all(e.value.startswith("case.") for e in AuditEvent)
    assert AuditEvent.VIEW_LETTER == "case.view_letter" and AuditEvent.OPEN == "case.open"


def test_one_module_per_domain():
    assert not (PACKAGE / "services.py").exists()
