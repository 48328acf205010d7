"""The documentation is current and its code runs.

- The generated pages (``docs/distributions.md``) match the code.
- Every ```` ```python ```` block of every page runs: the blocks of a page are executed in order
  in one namespace, like the cells of a notebook, in a temporary working directory with
  Matplotlib's Agg backend. Blocks that must not run are written as ```` ```text ````,
  ```` ```bash ```` or ```` ```{code-block} python ````.
- Every public name of ``ppl`` appears in the API reference.
- The site builds with Sphinx, warnings as errors (needs the ``docs`` extra; skipped without it).
"""

import ast
import importlib.util
import pathlib
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

import ppl

ROOT = pathlib.Path(__file__).parent.parent
DOCS = ROOT / "docs"
# Written by the build, not part of the sources.
GENERATED = ("_build", "api/generated")

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


def doc_pages() -> list[pathlib.Path]:
    """The MyST pages of the site (generated API stubs and build output left out)."""
    pages = []
    for page in sorted(DOCS.rglob("*.md")):
        relative = page.relative_to(DOCS).as_posix()
        if not any(relative.startswith(prefix + "/") for prefix in GENERATED):
            pages.append(page)
    return pages


def python_blocks(text: str) -> list[tuple[int, str]]:
    """``(line number, code)`` of each fenced block whose info string is exactly ``python``.

    A fence closes on a line of the same character at least as long as the opening one
    (CommonMark), so blocks nested in a longer fence (for example inside a
    ```` ````{code-block} ```` directive) are not taken. Blocks indented in a list item are
    dedented.
    """
    blocks = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, info = match["fence"], match["info"].strip()
        start = i + 1
        i += 1
        while i < len(lines):
            close = _FENCE.match(lines[i])
            if close and close["fence"][0] == fence[0] and len(close["fence"]) >= len(fence) \
                    and not close["info"].strip():
                break
            i += 1
        if info == "python":
            code = textwrap.dedent("\n".join(lines[start:i]))
            blocks.append((start + 1, code))  # 1-based line of the code
        i += 1
    return blocks


# Pages may use optional extras (the `test` extra installs them all, so CI runs every page).
OPTIONAL_MODULES = {"jax", "torch", "dask", "distributed", "graphviz"}

PAGES_WITH_CODE = [p for p in doc_pages() if python_blocks(p.read_text())]


def test_python_blocks_parser():
    text = "\n".join([
        "# Page", "```python", "a = 1", "```", "```text", "not run", "```",
        "````{code-block} python", "```python", "nested, not run", "```", "````",
        "```python", "b = a + 1", "```",
        "- a list item:", "", "  ```python", "  c = b", "  ```",
    ])
    assert python_blocks(text) == [(3, "a = 1"), (14, "b = a + 1"), (19, "c = b")]


def test_distribution_catalogue_is_current():
    spec = importlib.util.spec_from_file_location("catalogue", DOCS / "_scripts/catalogue.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (DOCS / "distributions.md").read_text()
    assert current == module.render(), "run `python docs/_scripts/catalogue.py` and commit the result"


# Short chains in the examples: the end-of-run convergence checks may warn.
@pytest.mark.filterwarnings("ignore::ppl.sampling.to_arviz.SamplingWarning")
# ArviZ 0.23's plots call a Matplotlib helper deprecated in Matplotlib 3.11 (harmless).
@pytest.mark.filterwarnings("ignore:Passing a dict or None as alias_mapping")
# ArviZ 0.23's az.compare sorts with inplace=True, deprecated in pandas 3.1 (harmless).
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.sort_values is deprecated")
@pytest.mark.parametrize(
    "page", PAGES_WITH_CODE, ids=[p.relative_to(DOCS).as_posix() for p in PAGES_WITH_CODE]
)
def test_page_code_runs(page, tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__docs__"}
    try:
        for line, code in python_blocks(page.read_text()):
            # Padding keeps the page's line numbers in tracebacks.
            compiled = compile("\n" * (line - 1) + code, str(page), "exec")
            try:
                exec(compiled, namespace)  # noqa: S102 - running the docs is the point
            except ModuleNotFoundError as err:
                if (err.name or "").split(".")[0] not in OPTIONAL_MODULES:
                    raise
                pytest.skip(f"{page.name}:{line} needs {err.name} (an optional extra)")
    finally:
        plt.close("all")


_GLOBAL_RNG = re.compile(r"\bnp\.random\.(?!default_rng|Generator|SeedSequence)\w+\(")


@pytest.mark.parametrize(
    "page", PAGES_WITH_CODE, ids=[p.relative_to(DOCS).as_posix() for p in PAGES_WITH_CODE]
)
def test_page_code_follows_house_rules(page):
    """The examples never import PyMC, and draw random numbers from explicit generators."""
    for line, code in python_blocks(page.read_text()):
        tree = ast.parse(code)
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        pymc = [m for m in imported if m == "pymc" or m.startswith("pymc.")]
        assert not pymc, f"{page.name}:{line} imports {pymc}"
        assert not _GLOBAL_RNG.search(code), f"{page.name}:{line} uses the global NumPy RNG"


def test_api_reference_lists_every_public_name():
    text = (DOCS / "api/index.md").read_text()
    listed = set(re.findall(r"^\s+~?([A-Za-z_][\w.]*)\s*$", text, flags=re.MULTILINE))
    modules = {"math", "transforms"}  # listed by their members (math.logsumexp, ...)
    missing = [name for name in ppl.__all__ if name not in listed and name not in modules]
    assert not missing, f"add these public names to docs/api/index.md: {missing}"


@pytest.mark.slow
def test_sphinx_build_has_no_warnings(tmp_path):
    for module in ("sphinx", "myst_parser", "numpydoc", "pydata_sphinx_theme"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed (the docs extra)")
    source = tmp_path / "docs"
    # Built from a copy: autosummary writes its stubs into the source tree.
    shutil.copytree(DOCS, source, ignore=shutil.ignore_patterns("_build", "generated"))
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(source), str(tmp_path / "html")],
        capture_output=True, text=True, cwd=tmp_path, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-10000:]
    assert (tmp_path / "html" / "index.html").is_file()
