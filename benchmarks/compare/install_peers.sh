#!/usr/bin/env bash
# Creates the peer systems' virtual environments for benchmarks/suite.py, from PyPI only.
#
#   bash benchmarks/compare/install_peers.sh [pymc] [numpyro] [nutpie]   (default: all three)
#
# Each peer gets its own venv under $BENCH_VENVS (default /tmp): PyMC 5 pins PyTensor 2.x, which
# cannot live next to ppl's PyTensor 3, and none of these packages is a ppl dependency.
# Pinned to versions that resolve on Python 3.11 (the versions PyPI served when this was written). Idempotent: an existing venv
# whose import check passes is left alone (FORCE=1 reinstalls).
set -euo pipefail

PYTHON=${PYTHON:-python3.11}
ROOT=${BENCH_VENVS:-/tmp}
# Shared by all runners (model_data.py, nuts_metrics.py): numpy + ArviZ.
COMMON=("numpy==2.4.6" "arviz==0.23.4" "scipy==1.17.1")

declare -A PKGS IMPORTS
PKGS[pymc]="pymc==5.28.5 pytensor==2.38.3"
IMPORTS[pymc]="import pymc, pytensor, arviz"
PKGS[numpyro]="numpyro==0.22.0 jax[cpu]==0.10.2"
IMPORTS[numpyro]="import numpyro, jax, arviz"
# nutpie samples a PyMC model (compiled with PyTensor's Numba backend) in its Rust NUTS.
PKGS[nutpie]="nutpie==0.16.8 pymc==5.28.5 pytensor==2.38.3 numba"
IMPORTS[nutpie]="import nutpie, pymc, arviz"

peers=("$@")
[ ${#peers[@]} -eq 0 ] && peers=(pymc numpyro nutpie)

for peer in "${peers[@]}"; do
    venv="$ROOT/bench-$peer"
    if [ -z "${FORCE:-}" ] && [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "${IMPORTS[$peer]}" 2>/dev/null; then
        echo "$peer: $venv already works"
        continue
    fi
    echo "$peer: installing into $venv"
    "$PYTHON" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    # shellcheck disable=SC2086
    "$venv/bin/python" -m pip install --quiet ${PKGS[$peer]} "${COMMON[@]}"
    "$venv/bin/python" -c "${IMPORTS[$peer]}"
    "$venv/bin/python" -m pip freeze | grep -iE "^(pymc|pytensor|numpyro|jax|jaxlib|nutpie|numba|numpy|arviz)=" \
        | sed "s/^/  $peer: /"
done
