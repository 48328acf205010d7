"""The generated docs pages are up to date with the code."""

import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).parent.parent


def test_distribution_catalogue_is_current():
    spec = importlib.util.spec_from_file_location("catalogue", ROOT / "docs/_scripts/catalogue.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (ROOT / "docs/distributions.md").read_text()
    assert current == module.render(), "run `python docs/_scripts/catalogue.py` and commit the result"
