"""Dependencies run one way (README, Architecture).

    practice  <-  consent  <-  intake  <-  scheduling

practice/ (settings, users, the outbox, the Celery app) imports no domain app. A domain app
may read an app below it, and only through that app's read module (`consent/status.py`,
`intake/status.py`); never an app above it. Imports at any depth count, including those
inside functions and `importlib.import_module("...")` with a literal name.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "practice"
# Lowest first: each app may read the ones before it.
DOMAIN = ["consent", "intake", "scheduling"]
READ_MODULE = "status"


def imported_modules(source: str) -> Iterator[tuple[int, str]]:
    """Every absolute module name the source imports, with its line."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from consent import status` imports consent.status.
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Call) and _is_import_module(node.func) and node.args:
            name = node.args[0]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                yield node.lineno, name.value


def _is_import_module(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "import_module") or (
        isinstance(func, ast.Attribute) and func.attr == "import_module"
    )


def problem(importer: str, module: str) -> str | None:
    """Why app `importer` may not import `module`, or None if it may."""
    parts = module.split(".")
    target = parts[0]
    if target == importer or target not in DOMAIN:
        return None
    if importer == BASE:
        return f"practice/ is the base and imports no domain app ({module})"
    if DOMAIN.index(target) > DOMAIN.index(importer):
        return f"{importer} sits below {target} and may not import it ({module})"
    if len(parts) < 2 or parts[1] != READ_MODULE:
        return f"{importer} reads {target} only through {target}.{READ_MODULE} ({module})"
    return None


def violations(root: Path) -> list[str]:
    found = []
    for app in [BASE, *DOMAIN]:
        for path in sorted((root / app).rglob("*.py")):
            for line, module in imported_modules(path.read_text(encoding="utf-8")):
                reason = problem(app, module)
                if reason:
                    found.append(f"{path.relative_to(root)}:{line}: {reason}")
    return found


def test_dependencies_run_one_way():
    assert violations(ROOT) == []


def test_the_check_sees_imports_inside_functions_and_by_name(tmp_path):
    sources = {
        "practice/tasks.py": "def run():\n    from scheduling import reminders\n",
        "practice/apps.py": "import importlib\nimportlib.import_module('intake.demo')\n",
        "consent/status.py": "from scheduling.models import Appointment\n",
        "intake/views.py": "from consent.status import statuses\nfrom consent import models\n",
        "scheduling/calendar.py": "from consent import status\nimport intake.status\n",
    }
    for name, source in sources.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source)
    for app in DOMAIN:
        (tmp_path / app).mkdir(exist_ok=True)
    assert violations(tmp_path) == [
        "practice/apps.py:2: practice/ is the base and imports no domain app (intake.demo)",
        "practice/tasks.py:2: practice/ is the base and imports no domain app "
        "(scheduling.reminders)",
        "consent/status.py:1: consent sits below scheduling and may not import it "
        "(scheduling.models.Appointment)",
        "intake/views.py:2: intake reads consent only through consent.status (consent.models)",
    ]
