"""Where a benchmark's results go: ``results/<prefix>_<git sha>.json`` beside this file."""

import pathlib
import subprocess

HERE = pathlib.Path(__file__).resolve().parent


def git_sha() -> str:
    """Short SHA of HEAD, or "nogit" outside a git checkout."""
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
    )
    return out.stdout.strip() or "nogit"


def results_path(prefix: str, out: pathlib.Path | None = None) -> pathlib.Path:
    """``out`` if given, else ``results/<prefix>_<sha>.json`` (its folder created)."""
    path = out or HERE / "results" / f"{prefix}_{git_sha()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
