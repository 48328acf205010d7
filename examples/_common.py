"""What the example scripts share: command line, Matplotlib setup, figure saving.

Not an example itself (the leading underscore keeps it out of ``tests/test_examples.py``).
A script imports it after putting its own folder on ``sys.path``, so that the import works
both when the script runs as ``python examples/<name>.py`` (from any folder) and when the tests
load it from its file::

    if (HERE := str(pathlib.Path(__file__).parent)) not in sys.path:
        sys.path.insert(0, HERE)
    import _common as common  # noqa: E402
    import matplotlib.pyplot as plt  # noqa: E402

Importing this module selects Matplotlib's non-interactive Agg backend (figures are written to
files, nothing is shown on screen), so a script imports it before ``matplotlib.pyplot``.
"""

# ruff: noqa: T201 - reports on the terminal, like the scripts

import argparse
import contextlib
import pathlib
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend

__all__ = ["DEFAULT_OUTPUT_DIR", "arviz_matplotlib_compat", "output_directory", "parse_args",
           "report_figures", "sampler_kwargs", "save_figure"]

DEFAULT_OUTPUT_DIR = pathlib.Path(__file__).parent / "figures"
DPI = 100


def parse_args(doc: str) -> argparse.Namespace:
    """The command line of an example that writes figures: ``--draws``, ``--tune``,
    ``--chains``, ``--seed`` (defaults 1000, 1000, 4, 1) and ``--output-dir`` (default
    ``examples/figures/``). The first line of ``doc`` (the script's docstring) is the
    description shown by ``--help``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=1000)
    parser.add_argument("--chains", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output-dir", type=pathlib.Path, default=DEFAULT_OUTPUT_DIR)
    return parser.parse_args()


def sampler_kwargs(args: argparse.Namespace, **extra) -> dict:
    """Keyword arguments of ``ppl.sample`` from the command line: the chains one after another
    in this process (``cores=1``), no progress bar; ``extra`` adds or overrides settings."""
    return {"draws": args.draws, "tune": args.tune, "chains": args.chains, "cores": 1,
            "random_seed": args.seed, "progressbar": False, **extra}


@contextlib.contextmanager
def arviz_matplotlib_compat():
    """ArviZ 0.23's plot functions call a Matplotlib helper in a way deprecated since
    Matplotlib 3.11 (a MatplotlibDeprecationWarning on every plot, harmless until Matplotlib
    3.13); silence exactly that one warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Passing a dict or None as alias_mapping")
        yield


def output_directory(args: argparse.Namespace) -> pathlib.Path:
    """``args.output_dir`` as a path, created (with its parents) if it does not exist."""
    output_dir = pathlib.Path(args.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    return output_dir


def save_figure(fig, path: pathlib.Path, *, tight: bool = True) -> None:
    """Write ``fig`` to ``path`` (a PNG file) at 100 dpi and close it; ``tight`` first applies
    ``fig.tight_layout()`` (pass False when the layout is already set)."""
    if tight:
        fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def report_figures(output_dir: pathlib.Path, names, *, blank_line: bool = False) -> None:
    """Print the paths of the figures written, ``Figures: <path>, <path>``, after a blank line
    if ``blank_line``."""
    prefix = "\n" if blank_line else ""
    print(f"{prefix}Figures: {', '.join(str(output_dir / n) for n in names)}")
