"""The layers of the house: each package imports only from the ones below it (the README's drawing)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "wow64emu"

# From the ground up; a module may import from its own layer's package and from lower layers.
LAYERS = {
    "log": 0,
    "nt": 1, "errors": 1, "interrupt": 1, "usercache": 1,
    "emu": 2, "modulecache": 2,
    "startup": 3,
    "image": 4,
    "kernel": 5,
    "thunks": 6, "loader": 6,
    "observe": 7,
    "attach": 8,
    "machine": 9,
    "bench": 10, "reg": 10,
    "arguments": 11,
    "cli": 12,
    "__main__": 13,
}


def imported_packages(path: Path) -> set[str]:
    """The top-level wow64emu packages (or modules) that one file imports, TYPE_CHECKING imports included."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(parts[:len(parts) - node.level])
                target = base + (node.module.split(".") if node.module else [])
                names = [target] if target else [[alias.name] for alias in node.names]
            elif node.module and node.module.startswith("wow64emu"):
                names = [node.module.split(".")[1:] or [alias.name for alias in node.names]]
            else:
                continue
            found.update(name[0] for name in names if name)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("wow64emu."))
    return found


def own_package(path: Path) -> str:
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def sources() -> list[Path]:
    """Every Python file of the package but its own __init__ (and the guest DLLs' folder, which holds none)."""
    return [p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "__init__.py"]


def test_every_package_has_a_layer() -> None:
    assert {own_package(p) for p in sources()} == set(LAYERS)


def test_no_package_imports_from_its_own_layer_or_above() -> None:
    wrong = []
    for path in sources():
        mine = own_package(path)
        for other in imported_packages(path) - {mine}:
            if other in LAYERS and LAYERS[other] >= LAYERS.get(mine, 99):
                wrong.append(f"{path.relative_to(PACKAGE)} imports {other}")
    assert wrong == []


def test_the_kernel_imports_nothing_of_the_thunks() -> None:
    kernel = list((PACKAGE / "kernel").rglob("*.py"))
    assert kernel and all("thunks" not in imported_packages(p) for p in kernel)


def test_the_checker_sees_imports() -> None:  # the rule above is only as good as this reading of imports
    assert {"nt", "errors"} <= imported_packages(PACKAGE / "kernel" / "waits.py")
    assert {"emu", "errors"} <= imported_packages(PACKAGE / "kernel" / "scheduler.py")
    assert {"kernel", "thunks", "loader"} <= imported_packages(PACKAGE / "attach.py")
    assert {"attach", "kernel", "loader"} <= imported_packages(PACKAGE / "machine.py")
