"""Part 5: a newsletter's whole pipeline (Markdown to MJML to HTML, the text part, the email rules), and the
MJML step alone in mjml-python against a warm, in-process Node `mjml@5` on the same MJML.

Node's mjml is installed at bench time with npm into benchmarks/.node/ (git-ignored); without Node or npm
that row says why it is missing rather than failing the benchmark.
"""

from __future__ import annotations

import importlib
import json
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from .corpus import generate
from .table import Row, Table

NODE_DIR = Path(__file__).resolve().parent / ".node"
NODE_MJML = "mjml@5"
ROUNDS = 20
TARGET_SECONDS = 0.050

# Warm: compile a few times first, then time each compile of the same MJML in one Node process.
NODE_SCRIPT = r"""
const mjml2html = require("mjml");
const source = require("fs").readFileSync(process.argv[2], "utf8");
const rounds = Number(process.argv[3]);
(async () => {
  const compile = async () => { const out = await mjml2html(source, {validationLevel: "soft"}); return out.html; };
  for (let i = 0; i < 5; i++) await compile();
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    const html = await compile();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (!html.includes("<html")) throw new Error("no HTML");
  }
  times.sort((a, b) => a - b);
  const version = require("mjml/package.json").version;
  console.log(JSON.stringify({median: times[Math.floor(times.length / 2)], version}));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def measure_into(table: Table, root: Path, *, log=print) -> None:
    from protectpress.core.content.model import load_content
    from protectpress.core.foundation.config import load_settings
    render_module = importlib.import_module("protectpress.core.newsletter.render")  # the package re-exports `render`
    from protectpress.core.foundation.problems import Problems

    log("[bench] newsletter pipeline")
    corpus = generate(root, 300, newsletters=5)
    settings = load_settings(corpus.config("ours"))
    content = load_content(settings.docs_dir, settings.project_dir, settings.vocabulary, Problems())
    refs = sorted(p.relative_to(corpus.root).as_posix() for p in (corpus.root / "newsletters").glob("*.md"))

    # Keep the MJML that the pipeline hands to mjml-python, so that both compilers get exactly the same input.
    captured: list[tuple[str, dict]] = []
    compile_mjml = render_module.mjml2html

    def capturing(source: str, **options):
        captured.append((source, options))
        return compile_mjml(source, **options)

    render_module.mjml2html = capturing
    try:
        per_newsletter = []
        for ref in refs:
            problems = Problems()
            render_module.render_newsletter(settings, ref, problems, content=content)  # warm: template, imports
            timings = []
            for _ in range(ROUNDS):
                problems = Problems()
                started = time.perf_counter()
                rendered = render_module.render_newsletter(settings, ref, problems, content=content)
                timings.append(time.perf_counter() - started)
            if rendered is None:
                raise RuntimeError(f"{ref} did not render:\n" + "\n".join(str(p) for p in problems.errors))
            per_newsletter.append(statistics.median(timings))
    finally:
        render_module.mjml2html = compile_mjml
    pipeline = statistics.median(per_newsletter)
    table.add(Row("newsletter: whole pipeline per newsletter (render + text + rules)", f"{len(refs)} newsletters",
                  seconds=pipeline, per_second=1 / pipeline, target="< 0.050 s", met=pipeline < TARGET_SECONDS))

    source, options = captured[-1]
    python_timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        compile_mjml(source, **options)
        python_timings.append(time.perf_counter() - started)
    python_seconds = statistics.median(python_timings)
    node_seconds, note = _node_mjml(source, root)
    table.add(Row("MJML to HTML: mjml-python; ratio = ÷ Node mjml@5", "1 email", seconds=python_seconds,
                  ratio=python_seconds / node_seconds if node_seconds else None, per_second=1 / python_seconds))
    table.add(Row("MJML to HTML: Node mjml@5, warm, in-process", "1 email", seconds=node_seconds,
                  ratio=1.0 if node_seconds else None, per_second=1 / node_seconds if node_seconds else None,
                  note=note))


def _node_mjml(source: str, root: Path) -> tuple[float | None, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return None, "skipped: Node.js or npm not installed"
    if not (NODE_DIR / "node_modules" / "mjml").is_dir():
        NODE_DIR.mkdir(exist_ok=True)
        done = subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR),
                               NODE_MJML], capture_output=True, text=True)
        if done.returncode != 0:
            return None, f"skipped: npm install {NODE_MJML} failed: {done.stderr.strip()[-200:]}"
    mjml_file, script = root / "email.mjml", NODE_DIR / "bench-mjml.js"
    mjml_file.write_text(source, encoding="utf-8")
    script.write_text(NODE_SCRIPT, encoding="utf-8")
    done = subprocess.run([node, str(script), str(mjml_file), str(ROUNDS)], capture_output=True, text=True,
                          cwd=NODE_DIR)
    if done.returncode != 0:
        return None, f"skipped: Node mjml failed: {done.stderr.strip()[-200:]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["median"], f"mjml {result['version']}"
