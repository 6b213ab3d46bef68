"""The ``symgrad`` command line, run as a subprocess: outputs and exit
statuses (0 holds, 1 does not hold, 2 bad input)."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SEED = ["mean(3*(x + 2)**2)", "--shape", "x=2,2"]


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "symgrad.cli", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "symgrad"
    exe = str(script) if script.exists() else shutil.which("symgrad")
    assert exe, "the symgrad console script is not installed (pip install -e .)"
    r = subprocess.run([exe, "diff", "x**3", "--at", "x=2"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "∂f/∂x = 3*x**2"
    assert "tensor(12., dtype=symgrad.float64)" in r.stdout      # 3 * 2**2


def test_diff_prints_the_closed_form_and_its_value():
    r = run("diff", *SEED, "--at", "x=1")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "∂f/∂x[i, j] = 3*(x[i, j] + 2)/2"
    assert lines[1].startswith("  at x = 1: tensor([[4.5000, 4.5000],")
    assert "[4.5000, 4.5000]]" in lines[2]


def test_diff_with_values_and_latex():
    r = run("diff", "sum(w*x**2)", "--at", "x=1,2,3", "--at", "w=2", "--wrt", "x", "--latex")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == r"\frac{\partial f}{\partial x_{i}} = 2 w {x}_{i}"
    assert "tensor([ 4.,  8., 12.], dtype=symgrad.float64)" in r.stdout       # 2 * w * x


def test_verify_holds_exits_0():
    r = run("verify", *SEED, "--wrt", "x", "--claim", "3/2*(x + 2)", "--timeout", "60")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "proved: ∂f/∂x[i, j] = 3*(x[i, j] + 2)/2"


def test_verify_fails_exits_1_with_a_counterexample():
    r = run("verify", *SEED, "--wrt", "x", "--claim", "3*(x + 2)")
    assert r.returncode == 1
    assert r.stdout.startswith("disproved: ∂f/∂x[i, j] = 3*(x[i, j] + 2)/2")
    assert "at x[0, 0] = 1.0: claimed 9.0, actual 4.5" in r.stdout


def test_verify_the_expression_itself():
    r = run("verify", "sum(x**2)", "--at", "x=1,2", "--claim", "x[0]**2 + x[1]**2", "--timeout", "60")
    assert r.returncode == 0, r.stderr + r.stdout
    assert r.stdout.strip() == "proved: f = Sum(x[i]**2, (i, 0, 1))"


@pytest.mark.parametrize("args, message", [
    (["verify", *SEED, "--wrt", "x", "--claim", "__import__('os').system('touch CANARY')"], "only calls of named functions"),
    (["verify", *SEED, "--wrt", "x", "--claim", "x + y"], "unknown name 'y'"),
    (["verify", *SEED, "--wrt", "y", "--claim", "x"], "not a declared name"),
    (["verify", "mean(x.__class__)", "--shape", "x=2", "--claim", "x"], "attribute access"),
    (["diff", "mean(3*(x + 2)**2)", "--shape", "x=2,two"], "integers"),
    (["diff", "sum(x)", "--shape", "x=2", "--at", "x=1,2,3"], "3 values for shape [2]"),
    (["diff", "x * x", "--shape", "x=2"], "differentiate a scalar"),
    (["diff", "sum(x + q)", "--shape", "x=3", "--shape", "q=4"], "cannot evaluate"),
    (["diff", "x**9**9**9", "--at", "x=1"], "exponent"),
    (["diff", "exp(i)", "--at", "i=1"], "cannot name a tensor"),
    (["verify", *SEED, "--wrt", "x"], "--claim"),                     # argparse: a required option
])
def test_bad_input_exits_2(args, message, tmp_path):
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert message in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_demo_runs_the_walk_through_with_closed_forms():
    r = run("demo")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "    # y[i, j] = x[i, j] + 2" in out
    assert "    # out = Sum(3*(x[i, j] + 2)**2, (i, 0, 1), (j, 0, 1))/4" in out
    assert "    # x.grad[i, j] = 3*(x[i, j] + 2)/2" in out
    assert "tensor([[4.5000, 4.5000]," in out                      # the walk-through's own output
    assert "    # x.grad = 2*x" in out                             # the no_grad part: only x**2 counts
