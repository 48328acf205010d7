"""The NUTS benchmark suite: ppl against PyMC, nutpie and NumPyro, in one command.

Usage:
    python benchmarks/suite.py [--models NAME ...] [--systems ppl pymc nutpie numpyro]
        [--kernels python [numba]] [--quick] [--venvs /tmp] [--merge FILE ...]

Every system samples the same models on the same data (``model_data.py``) with 2 chains,
1000 warm-up + 1000 draws, chains one after another; ``--quick`` uses 100 + 100 (a smoke test:
its numbers mean nothing). ppl runs through ``compare/ppl_runner.py`` in this interpreter, once
per ``--kernels`` entry; each peer runs through its runner in its own virtual environment
``<venvs>/bench-<peer>`` (made by ``compare/install_peers.sh``), skipped with a note when that
environment is missing. ``--merge`` adds the rows of earlier suite JSONs for systems not run now
(e.g. a full peers-only run reused beside a new ppl run).

Writes ``results/suite_<git sha>.json`` (every figure, versions, load averages),
``results/suite_<sha>.md`` (a table per model, ESS/s ratios of ppl to each peer, agreement with
posteriordb's reference posteriors) and ``results/suite_<sha>.png`` (ESS/s per model and system,
log scale). See README.md for what each figure means.
"""

import argparse
import json
import multiprocessing
import pathlib
import platform
import subprocess
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from model_data import REFERENCE, posteriordb  # noqa: E402
from nuts_metrics import load  # noqa: E402
from provenance import git_sha  # noqa: E402

MODELS = [
    "eight_schools_noncentered",
    "linear_regression_1000x10",
    "logistic_regression_5000x25",
    "hierarchical_85x900",
    "gaussian_100_scaled",
    "eight_schools_centered",
    "kidiq_interaction",
    "arK",
]
PEERS = {
    "pymc": "pymc_runner.py",
    "nutpie": "nutpie_runner.py",
    "numpyro": "numpyro_runner.py",
}
SYSTEMS = ["ppl", *PEERS]

# (key in a result row, column title, format)
COLUMNS = [
    ("compile_s", "setup s", ".1f"),
    ("sampling_s", "sampling s", ".2f"),
    ("min_ess_bulk", "min bulk ESS", ".0f"),
    ("ess_per_s", "ESS/s", ".1f"),
    ("grad_evals_per_draw", "grad evals/draw", ".1f"),
    ("sampling_us_per_grad", "sampling µs/grad", ".1f"),
    ("grad_us", "µs/grad", ".1f"),
    ("overhead_us_per_grad", "overhead µs/grad", ".1f"),
    ("divergences", "divergences", "d"),
]


def run_runner(label: str, cmd: list[str], out: pathlib.Path, notes: list[str]) -> dict | None:
    """Run one runner as a subprocess; its JSON, or None (with a note) if it failed."""
    sys.stderr.write(f"== {label}: {' '.join(cmd)}\n")
    start = time.perf_counter()
    proc = subprocess.run([*cmd, "--out", str(out)], cwd=HERE.parent)
    if proc.returncode != 0 or not out.exists():
        notes.append(f"{label}: runner failed (exit {proc.returncode}), no results")
        return None
    data = json.loads(out.read_text())
    out.unlink()
    data["wall_s"] = round(time.perf_counter() - start, 1)
    return data


def reference_check(rows: list[dict]) -> None:
    """Add ``reference_max_z`` to the rows of models with a posteriordb reference: the largest
    |mean - reference mean| / sqrt(mcse^2 + (reference sd)^2 / n_reference_draws) over the
    reference's elements of the free variables."""
    for row in rows:
        name = REFERENCE.get(row["model"])
        if name is None or "moments" not in row:
            continue
        ref = posteriordb(name)
        n_ref = ref.get("n_reference_draws") or 10000
        worst, where = 0.0, ""
        for var, m in row["moments"].items():
            for i, (mean, mcse) in enumerate(zip(m["mean"], m["mcse"], strict=True)):
                key = var if len(m["mean"]) == 1 else f"{var}[{i}]"
                if key not in ref["reference"]:
                    continue
                r = ref["reference"][key]
                z = abs(mean - r["mean"]) / max(np.hypot(mcse, r["sd"] / np.sqrt(n_ref)), 1e-12)
                if z > worst:
                    worst, where = float(z), key
        row["reference_max_z"] = [round(worst, 2), where]


def seed_text(settings: dict) -> str:
    n = settings.get("seeds", 1)
    if n == 1:
        return f"seed {settings['seed']}"
    return (
        f"seeds {settings['seed']}..{settings['seed'] + n - 1}, each system's run with the median "
        "ESS/s shown (every seed's ESS/s under the table)"
    )


def markdown(summary: dict) -> str:
    rows = summary["results"]
    s = summary["settings"]
    lines = [
        f"# NUTS suite at {summary['git']}",
        "",
        f"{s['chains']} chains x ({s['tune']} warm-up + {s['draws']} draws), chains one after "
        f"another, {seed_text(s)}{' — QUICK smoke test: the numbers mean nothing' if s['quick'] else ''}. "
        f"Machine: {summary['cpus']} CPUs shared with other work; load average (1/5/15 min) "
        f"{summary['load_start_end'][0]} at the start, {summary['load_start_end'][1]} at the end: "
        "timings are indicative only. Definitions: `benchmarks/README.md`.",
        "",
    ]
    for note in summary["notes"]:
        lines.append(f"- note: {note}")
    if summary["notes"]:
        lines.append("")
    systems = [x for x in summary["systems_order"] if any(r["system"] == x for r in rows)]
    for model in summary["models"]:
        mrows = {r["system"]: r for r in rows if r["model"] == model}
        if not mrows:
            continue
        dim = next(iter(mrows.values()))["dim"]
        lines += [f"## {model} ({dim} parameters)", ""]
        head = ["system", *[title for _, title, _ in COLUMNS], "ref. max z"]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for system in systems:
            r = mrows.get(system)
            if r is None:
                continue
            cells = [system]
            for key, _, fmt in COLUMNS:
                cells.append(format(r[key], fmt) if r.get(key) is not None else "—")
            z = r.get("reference_max_z")
            cells.append(f"{z[0]} ({z[1]})" if z else "—")
            lines.append("| " + " | ".join(cells) + " |")
        ratios = []
        for ours in [x for x in systems if x.startswith("ppl") and x in mrows]:
            for peer in [x for x in systems if not x.startswith("ppl") and x in mrows]:
                ratio = mrows[ours]["ess_per_s"] / max(mrows[peer]["ess_per_s"], 1e-12)
                ratios.append(f"{ours}/{peer} {ratio:.2g}")
        if ratios:
            lines += ["", "ESS/s ratio: " + ", ".join(ratios)]
        per_seed = [
            f"{system} " + "/".join(f"{v:.0f}" for v in mrows[system]["ess_per_s_seeds"].values())
            for system in systems
            if system in mrows and len(mrows[system].get("ess_per_s_seeds", {})) > 1
        ]
        if per_seed:
            lines += ["", "ESS/s per seed: " + ", ".join(per_seed)]
        lines.append("")
    return "\n".join(lines)


def bar_chart(summary: dict, path: pathlib.Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = summary["results"]
    systems = [x for x in summary["systems_order"] if any(r["system"] == x for r in rows)]
    models = [m for m in summary["models"] if any(r["model"] == m for r in rows)]
    width = 0.8 / max(len(systems), 1)
    fig, ax = plt.subplots(figsize=(max(8, 1.3 * len(models)), 4.5))
    for i, system in enumerate(systems):
        values = []
        for m in models:
            r = next((r for r in rows if r["model"] == m and r["system"] == system), None)
            values.append(r["ess_per_s"] if r and r["ess_per_s"] > 0 else np.nan)
        ax.bar(
            np.arange(len(models)) + (i - (len(systems) - 1) / 2) * width,
            values,
            width,
            label=system,
        )
    ax.set_yscale("log")
    ax.set_xticks(np.arange(len(models)))
    ax.set_xticklabels(models, rotation=25, ha="right", fontsize=8)
    ax.set_ylabel("min bulk ESS per second (log)")
    title = f"NUTS ESS/s at {summary['git']}"
    if summary["settings"]["quick"]:
        title += " (quick smoke test)"
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run_systems(args, common, results_dir, notes, versions, systems_order, seed) -> list[dict]:
    """One run of every system with ``common`` arguments; their rows, tagged with ``seed``."""
    rows = []
    for system in args.systems:
        if system == "ppl":
            for kernel in args.kernels:
                label = "ppl" if kernel == "python" else f"ppl-{kernel}"
                if label not in systems_order:
                    systems_order.append(label)
                cmd = [
                    sys.executable,
                    str(HERE / "compare" / "ppl_runner.py"),
                    "--kernel",
                    kernel,
                    *common,
                ]
                data = run_runner(label, cmd, results_dir / f"{label}.tmp", notes)
                if data:
                    rows += [{**r, "seed": seed} for r in data["results"]]
                    versions[label] = data["versions"]
            continue
        if system not in systems_order:
            systems_order.append(system)
        python = args.venvs / f"bench-{system}" / "bin" / "python"
        if not python.exists():
            notes.append(
                f"{system}: no environment at {python.parent.parent} (run "
                "benchmarks/compare/install_peers.sh), skipped"
            )
            sys.stderr.write(f"== {system}: skipped, {python} missing\n")
            continue
        cmd = [str(python), str(HERE / "compare" / PEERS[system]), *common]
        data = run_runner(system, cmd, results_dir / f"{system}.tmp", notes)
        if data:
            rows += [{**r, "seed": seed} for r in data["results"]]
            versions[system] = data["versions"]
    return rows


def median_of_seeds(rows: list[dict]) -> list[dict]:
    """One row per (model, system): the run with the median ESS/s (the lower middle one for an
    even count), with every seed's ESS/s in ``ess_per_s_seeds``."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["model"], row["system"]), []).append(row)
    out = []
    for group in groups.values():
        group.sort(key=lambda r: r["ess_per_s"])
        row = dict(group[(len(group) - 1) // 2])
        row["ess_per_s_seeds"] = {str(r["seed"]): r["ess_per_s"] for r in group}
        out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=MODELS, choices=MODELS)
    parser.add_argument("--systems", nargs="*", default=SYSTEMS, choices=SYSTEMS)
    parser.add_argument(
        "--kernels",
        nargs="+",
        default=["python"],
        help="ppl kernels: 'python', or names passed as ppl.sample(nuts_sampler=NAME)",
    )
    parser.add_argument("--quick", action="store_true", help="100 + 100 draws: smoke test")
    parser.add_argument("--draws", type=int, default=None)
    parser.add_argument("--tune", type=int, default=None)
    parser.add_argument("--chains", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20251122)
    parser.add_argument(
        "--seeds",
        type=int,
        default=1,
        help="run every system with seeds seed, seed+1, ...; report the median-ESS/s run",
    )
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--venvs", type=pathlib.Path, default=pathlib.Path("/tmp"))
    parser.add_argument("--merge", nargs="*", default=[], help="earlier suite JSONs to merge")
    parser.add_argument("--tag", default="", help="suffix of the output names")
    args = parser.parse_args()
    draws = args.draws or (100 if args.quick else 1000)
    tune = args.tune or (100 if args.quick else 1000)
    common = [
        "--models",
        *args.models,
        "--draws",
        str(draws),
        "--tune",
        str(tune),
        "--chains",
        str(args.chains),
        "--seed",
        str(args.seed),
        "--repeats",
        str(args.repeats),
    ]
    results_dir = HERE / "results"
    sha = git_sha()
    notes, rows, versions, systems_order = [], [], {}, []
    load_start = load()
    for seed in range(args.seed, args.seed + args.seeds):
        common[common.index("--seed") + 1] = str(seed)
        rows += run_systems(args, common, results_dir, notes, versions, systems_order, seed)
    rows = median_of_seeds(rows)
    for path in args.merge:
        old = json.loads(pathlib.Path(path).read_text())
        have = {r["system"] for r in rows}
        merged = [
            r for r in old["results"] if r["system"] not in have and r["model"] in args.models
        ]
        rows += merged
        for system in sorted({r["system"] for r in merged}):
            versions.setdefault(system, old["versions"].get(system))
            if system not in systems_order:
                systems_order.append(system)
            notes.append(
                f"{system}: rows merged from {pathlib.Path(path).name} (git {old['git']}, "
                f"settings {old['settings']}, load {old['load_start_end']})"
            )
    # ppl's kernels first, then the peers in a fixed order.
    systems_order.sort(
        key=lambda x: (not x.startswith("ppl"), SYSTEMS.index(x) if x in SYSTEMS else 0)
    )
    reference_check(rows)
    for row in rows:  # total cost per gradient inside the sampler: µs/grad + overhead
        row["sampling_us_per_grad"] = round(row["sampling_s"] / row["grad_evals_total"] * 1e6, 2)
    order = {m: i for i, m in enumerate(MODELS)}
    rows.sort(
        key=lambda r: (
            order[r["model"]],
            systems_order.index(r["system"]) if r["system"] in systems_order else 99,
        )
    )
    summary = {
        "git": sha,
        "machine": platform.machine(),
        "cpus": multiprocessing.cpu_count(),
        "python": platform.python_version(),
        "settings": {
            "draws": draws,
            "tune": tune,
            "chains": args.chains,
            "seed": args.seed,
            "seeds": args.seeds,
            "repeats": args.repeats,
            "quick": args.quick,
            "cores": 1,
        },
        "models": args.models,
        "systems_order": systems_order,
        "versions": versions,
        "load_start_end": [load_start, load()],
        "notes": notes,
        "results": rows,
    }
    stem = f"suite_{sha}{('_' + args.tag) if args.tag else ''}{'_quick' if args.quick else ''}"
    out = results_dir / f"{stem}.json"
    out.write_text(json.dumps(summary, indent=2) + "\n")
    (results_dir / f"{stem}.md").write_text(markdown(summary))
    bar_chart(summary, results_dir / f"{stem}.png")
    sys.stdout.write(markdown(summary))
    sys.stderr.write(f"wrote {out} (.md, .png)\n")


if __name__ == "__main__":
    main()
