"""The notebooks as a reader runs them: JupyterLab (the README's install) in a real browser (Debian's headless
Chromium, driven by Playwright), every request off 127.0.0.1 blocked.

The server is started on 127.0.0.1 with a random token, on a temporary copy of the chapters, with temporary
runtime, config, data, settings and workspace directories (nothing is written into the repository), and stopped
by the PID this module started. Then, for every chapter with live controls (``bpbook.live_slider``):

* on opening, before anything runs: no "Error displaying widget" (the stored widget views are stripped), the
  markdown is rendered by jupyterlab-myst (no raw ``{glue``, ``{eval}``, ``:::{`` or ```` ```{ ````), and every
  number the prose quotes shows the value the website shows (``scripts/local_numbers.py``);
* Run All Cells runs every cell without a traceback;
* each live control starts at the setting of the kernel-free slider it shares ``draw`` with, and shows that
  slider's stored numbers (bplib's, checked by nbval) there;
* each control is moved with the keyboard (focus the slider, arrow keys) and by typing a value into its box;
  each move redraws the figure, and wherever the setting is one of the kernel-free slider's, the numbers equal
  that slider's stored numbers for the setting;
* the time from key press to new figure, and the kernel's CPU time, are recorded for every update and printed
  (``-s``); the CPU time per update must stay under ``MAX_CPU_PER_UPDATE``.

Run only these: ``python -m pytest tests/test_jupyterlab.py -p no:cacheprovider -s``.
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.browser  # the fast command, `python -m pytest tests -m "not browser"`, skips these

ROOT = Path(__file__).resolve().parents[1]
LIVE_CALL = re.compile(r"\blive_slider\(\s*(\w+)")
STATIC_CALL = re.compile(r"\bprecomputed_slider\(\s*(\w+)")
RAW_MYST = re.compile(r"\{glue|\{eval\}|:::\{|```\{|\{numref\}|\{doc\}|^\([\w-]+\)=\s*$", re.M)
MAX_CPU_PER_UPDATE = 3.0   # seconds of kernel CPU per redraw: a guard against gross regressions only (the target
                           # is 0.5 s; the test prints the figures of every control, CONTRIBUTING.md item 4)
MAX_PRESSES = 12           # arrow-key presses tried to reach a setting of the kernel-free slider
RUN_ALL_TIMEOUT = 600      # seconds for Run All Cells of one chapter
TIMINGS = []               # (chapter, control, how, wall seconds, kernel CPU seconds)

# JupyterLab settings for the test session (written to its temporary settings directory): every cell rendered
# (no windowing, so the whole notebook can be read), no autosave, no news or update checks (off-site requests).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
}


def chapters_with_live_controls():
    found = []
    for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any(c.cell_type == "code" and LIVE_CALL.search(c.source) for c in nb.cells):
            found.append(path.name)
    return found


CHAPTERS = chapters_with_live_controls()


# --------------------------------------------------------------------------------------------------------------
# The server and the browser.

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab():
    """JupyterLab on 127.0.0.1 over a temporary copy of book/; yields (base URL, token, server process)."""
    tmp = Path(tempfile.mkdtemp(prefix="bp_lab_"))
    (tmp / "book").mkdir()
    for name in CHAPTERS:
        shutil.copy2(ROOT / "book" / name, tmp / "book" / name)
    for rel, value in LAB_SETTINGS.items():
        (tmp / "settings" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / "settings" / rel).write_text(json.dumps(value))
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), JUPYTER_CONFIG_DIR=str(tmp / "config"),
               JUPYTER_DATA_DIR=str(tmp / "data"), JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"), IPYTHONDIR=str(tmp / "ipython"),
               MPLBACKEND="module://matplotlib_inline.backend_inline")
    port, token = free_port(), secrets.token_hex(24)
    log = open(tmp / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):
            if server.poll() is not None:
                pytest.fail(f"jupyter lab exited: {(tmp / 'server.log').read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{base}api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"jupyter lab did not answer in 120 s: {(tmp / 'server.log').read_text()[-3000:]}")
        yield base, token, server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)   # the server shuts its kernels down
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(10)
        log.close()
        leftover = [f for f in ROOT.joinpath("book").glob(".ipynb_checkpoints")]
        shutil.rmtree(tmp, ignore_errors=True)
        assert not leftover, "the test wrote checkpoints into the repository"
        if TIMINGS:
            print("\n\nlive controls, time per update (key press or Enter -> new figure) and kernel CPU time:")
            print(f"{'chapter':<28} {'control':<34} {'how':<9} {'n':>3} {'wall median':>11} {'max':>6} "
                  f"{'CPU median':>10} {'max':>6}")
            groups = {}
            for chapter, control, how, wall, cpu in TIMINGS:
                groups.setdefault((chapter, control, how), []).append((wall, cpu))
            for (chapter, control, how), values in groups.items():
                walls, cpus = sorted(v[0] for v in values), sorted(v[1] for v in values)
                print(f"{chapter:<28} {control[:34]:<34} {how:<9} {len(values):>3} {walls[len(walls) // 2]:>10.2f}s "
                      f"{walls[-1]:>5.2f}s {cpus[len(cpus) // 2]:>9.2f}s {cpus[-1]:>5.2f}s")


def kernel_pids(server):
    """PIDs of the kernels the server started (its child processes running ipykernel)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == server.pid and b"ipykernel" in (stat.parent / "cmdline").read_bytes():
                pids.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------------------------------------------
# What the notebook file says: the live cells, their kernel-free twins, and the numbers the prose quotes.

def static_sliders(nb):
    """draw name -> (params as shown, frames, initial position per param) of each kernel-free slider output."""
    found = {}
    for cell in nb.cells:
        match = STATIC_CALL.search(cell.source) if cell.cell_type == "code" else None
        html = next((o["data"]["text/html"] for o in cell.get("outputs", []) if "text/html" in o.get("data", {})
                     and "bp-slider-data" in "".join(o["data"]["text/html"])), None) if match else None
        if html:
            html = "".join(html)
            data = json.loads(re.search(r'<script type="application/json" class="bp-slider-data">(.*?)</script>',
                                        html, re.S).group(1))
            initial = [int(v) for v in re.findall(r'<input type="range"[^>]* value="(\d+)"', html)]
            found[match.group(1)] = (data["params"], [f["numbers"] for f in data["frames"]], initial)
    return found


def same_value(shown, stored):
    """The value a live control's box shows equals the kernel-free slider's label ("0.0" and "0" are the same)."""
    if shown == stored:
        return True
    try:
        return float(shown.replace("\u2212", "-")) == float(stored.replace("\u2212", "-"))
    except ValueError:
        return False


def position(values, shown):
    return next((p for p, v in enumerate(values) if same_value(shown, v)), None)


def frame_numbers(params, frames, positions):
    index = 0
    for values, p in zip(params, positions):
        index = index * len(values) + p
    return "   ".join(f"{k} = {v}" for k, v in frames[index].items())


def quoted_numbers(nb):
    """For each markdown cell (by index): the texts the website shows for its inline numbers."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from local_numbers import EVAL_ROLE, GLUE_ROLE, glued, value_of
    values = glued(nb)
    quoted = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            expressions = GLUE_ROLE.findall(cell.source) + EVAL_ROLE.findall(cell.source)
            texts = [value_of(e, values) for e in expressions]
            quoted[i] = [t.get("text/plain") for t in texts if "text/plain" in t]
    return quoted


# --------------------------------------------------------------------------------------------------------------
# In the browser.

CELLS_STATE = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].map(cell => ({
  kind: cell.classList.contains('jp-CodeCell') ? 'code' : cell.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw',
  prompt: (cell.querySelector('.jp-InputArea-prompt') || {}).textContent || '',
  text: cell.classList.contains('jp-MarkdownCell') ? ((cell.querySelector('.myst') || cell.querySelector('.jp-MarkdownOutput') || {}).textContent || '') : '',  // textContent: closed dropdowns too
  errors: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => o.innerText)
          .filter(t => /Traceback \\(most recent call last\\)|^\\w*(Error|Exception)\\b.*:/m.test(t)).map(t => t.slice(0, 1500)),
  widgetErrors: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => o.innerText)
          .filter(t => /Error displaying widget/.test(t)),
}))"""

LIVE_STATE = """(cell) => {
  const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')];
  const img = cell.querySelector('.jp-OutputArea-output img');
  const texts = outputs.filter(o => o.querySelector('pre') && !o.querySelector('.jupyter-widgets'));
  return {
    boxes: [...cell.querySelectorAll('.widget-text input')].map(i => i.value),
    labels: [...cell.querySelectorAll('.widget-slider .widget-label')].map(l => l.textContent),
    sliders: cell.querySelectorAll('.widget-slider').length,
    src: img ? img.src : null,
    numbers: texts.length ? texts[texts.length - 1].innerText.trim() : null,
  };
}"""


def kernel_status(page):
    return page.evaluate("() => (document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
                         ".jp-Notebook-ExecutionIndicator') || {getAttribute: () => null}).getAttribute('data-status')")


def wait_idle(page, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        if kernel_status(page) == "idle":
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the kernel stayed busy for {timeout} s")


def open_notebook(context, base, token, name, nb):
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}lab/tree/book/{name}?token={token}&reset", wait_until="domcontentloaded")
    n_markdown = sum(c.cell_type == "markdown" for c in nb.cells)
    page.wait_for_function("([n, m]) => document.querySelectorAll('.jp-Notebook .jp-Cell').length === n && "
                           "document.querySelectorAll('.jp-Notebook .jp-MarkdownCell .myst').length === m",
                           arg=[len(nb.cells), n_markdown], timeout=120_000)
    end = time.time() + 120
    while kernel_status(page) != "idle" and time.time() < end:
        page.wait_for_timeout(250)
    page.wait_for_timeout(1000)  # let jupyterlab-myst finish rendering (inline values, math)
    return page, errors


def run_all(page, n_code):
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    end = time.time() + RUN_ALL_TIMEOUT
    while time.time() < end:
        cells = page.evaluate(CELLS_STATE)
        done = [c for c in cells if c["kind"] == "code" and re.fullmatch(r"\[\d+\]:", c["prompt"].strip())]
        errors = [e for c in cells for e in c["errors"]]
        if errors:
            return cells, errors
        if len(done) == n_code and kernel_status(page) == "idle":
            return cells, []
        page.wait_for_timeout(500)
    raise AssertionError(f"Run All Cells did not finish in {RUN_ALL_TIMEOUT} s")


class Live:
    """One live_slider cell in the page."""

    def __init__(self, page, cell, chapter, server):
        self.page, self.cell, self.chapter = page, cell, chapter
        self.kernel = (kernel_pids(server) or [None])[-1]

    def state(self):
        return self.cell.evaluate(LIVE_STATE)

    def _act(self, action, control, how):
        before = self.state()
        cpu0 = cpu_seconds(self.kernel) if self.kernel else 0.0
        start = time.perf_counter()
        action()
        self.page.wait_for_function("([cell, src]) => { const img = cell.querySelector('.jp-OutputArea-output img');"
                                    " return img && img.src !== src; }", arg=[self.cell.element_handle(),
                                                                              before["src"]], timeout=120_000)
        wall = time.perf_counter() - start
        wait_idle(self.page)
        cpu = (cpu_seconds(self.kernel) if self.kernel else 0.0) - cpu0
        TIMINGS.append((self.chapter, control, how, wall, cpu))
        after = self.state()
        return before, after, wall, cpu

    def press(self, i, key, label):
        """Focus slider i and press key; None if the slider does not move (at the end of its range)."""
        handle = self.cell.locator(".widget-slider").nth(i).locator(".noUi-handle")
        handle.focus()
        where = handle.get_attribute("aria-valuenow")

        def action():
            handle.press(key)
            self.page.wait_for_timeout(50)
        if key in ("ArrowRight", "ArrowUp") and handle.get_attribute("aria-valuemax") == where or \
                key in ("ArrowLeft", "ArrowDown") and handle.get_attribute("aria-valuemin") == where:
            return None
        return self._act(action, label, "keyboard")

    def type(self, i, text, label):
        box = self.cell.locator(".widget-text input").nth(i)

        def action():
            box.fill(text)
            box.press("Enter")
        return self._act(action, label, "typing")


def markdown_problems(nb, cells, quoted):
    problems, n_quoted = [], 0
    for i, (cell, state) in enumerate(zip(nb.cells, cells)):
        if cell.cell_type == "markdown":
            raw = RAW_MYST.findall(state["text"])
            if raw:
                problems.append(f"markdown cell {i} shows raw MyST {raw}: {state['text'][:200]!r}")
            missing = [t for t in quoted.get(i, []) if t not in state["text"]]
            if missing:
                problems.append(f"markdown cell {i} does not show the quoted numbers {missing}: "
                                f"{state['text'][:300]!r}")
            n_quoted += len(quoted.get(i, []))
        if state["widgetErrors"]:
            problems.append(f"cell {i} shows {state['widgetErrors']}")
    return problems, n_quoted


@pytest.fixture(scope="module")
def context(browser, lab):
    base = lab[0]
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, service_workers="block")
    offsite = []

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            offsite.append(r.request.url)
            r.abort("blockedbyclient")

    ctx.route("**/*", route)
    ctx.offsite = offsite
    yield ctx
    ctx.close()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_in_jupyterlab(lab, context, chapter):
    base, token, server = lab
    nb = nbformat.read(ROOT / "book" / chapter, as_version=4)
    statics = static_sliders(nb)
    quoted = quoted_numbers(nb)
    page, console_errors = open_notebook(context, base, token, chapter, nb)
    try:
        # --- On opening: markdown rendered, numbers shown, no dead widgets.
        cells = page.evaluate(CELLS_STATE)
        assert len(cells) == len(nb.cells), f"{chapter}: {len(cells)} cells in the page, {len(nb.cells)} in the file"
        problems, n_quoted = markdown_problems(nb, cells, quoted)
        assert not problems, f"{chapter} on opening:\n" + "\n".join(problems)
        print(f"\n{chapter}: {n_quoted} quoted numbers shown in {sum(c.cell_type == 'markdown' for c in nb.cells)} "
              "rendered markdown cells")

        # --- Run All Cells: no traceback.
        n_code = sum(c.cell_type == "code" for c in nb.cells)
        started = time.perf_counter()
        cells, errors = run_all(page, n_code)
        assert not errors, f"{chapter}: Run All Cells raised:\n" + "\n\n".join(errors)
        print(f"{chapter}: Run All Cells took {time.perf_counter() - started:.1f} s")
        problems, _ = markdown_problems(nb, cells, quoted)   # running the markdown cells keeps their numbers
        assert not problems, f"{chapter} after Run All Cells:\n" + "\n".join(problems)

        # --- Each live control.
        live_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and LIVE_CALL.search(c.source)]
        for i in live_cells:
            draw = LIVE_CALL.search(nb.cells[i].source).group(1)
            assert draw in statics, f"{chapter} cell {i}: live_slider({draw}, ...) has no kernel-free slider " \
                                    f"(precomputed_slider({draw}, ...)) with stored frames in this notebook"
            params, frames, initial = statics[draw]
            live = Live(page, page.locator(".jp-Notebook .jp-Cell").nth(i), chapter, server)
            where = f"{chapter} cell {i} (live_slider({draw}))"
            page.wait_for_function("cell => { const boxes = cell.querySelectorAll('.widget-text input'); return "
                                   "boxes.length && [...boxes].every(b => b.value !== '') && cell.querySelector("
                                   "'.jp-OutputArea-output img'); }", arg=live.cell.element_handle(), timeout=60_000)
            start = live.state()
            assert start["src"] and start["numbers"], f"{where}: no figure or numbers after Run All"
            assert len(start["boxes"]) == start["sliders"] >= len(params), (
                f"{where}: {start['sliders']} sliders, {len(start['boxes'])} value boxes, {len(params)} parameters")
            initial_boxes = list(start["boxes"])
            assert all(same_value(b, v[p]) for b, v, p in zip(initial_boxes, params, initial)), (
                f"{where}: the live controls start at {initial_boxes}, the kernel-free slider at "
                f"{[v[p] for v, p in zip(params, initial)]}")
            assert start["numbers"] == frame_numbers(params, frames, initial), (
                f"{where}: at the starting setting the live numbers are\n{start['numbers']}\nthe kernel-free "
                f"slider's are\n{frame_numbers(params, frames, initial)}")

            def check(state, how):
                """Where the live setting is one of the kernel-free slider's, the numbers must be its numbers."""
                boxes = state["boxes"]
                if boxes[len(params):] != initial_boxes[len(params):]:
                    return False
                positions = [position(values, b) for values, b in zip(params, boxes)]
                if None in positions:
                    return False
                assert state["numbers"] == frame_numbers(params, frames, positions), (
                    f"{where}, {how}, at {boxes}: live numbers\n{state['numbers']}\nkernel-free slider's "
                    f"(bplib's)\n{frame_numbers(params, frames, positions)}")
                return True

            for c in range(start["sliders"]):
                label = start["labels"][c] if c < len(start["labels"]) else f"control {c}"
                # keyboard: arrow keys until a setting of the kernel-free slider (or MAX_PRESSES) is reached
                key = "ArrowRight"
                checked = False
                for n in range(MAX_PRESSES):
                    moved = live.press(c, key, label)
                    if moved is None and key == "ArrowRight":
                        key = "ArrowLeft"   # at the end of its range: go the other way
                        moved = live.press(c, key, label)
                    if moved is None:
                        break
                    before, after, wall, cpu = moved
                    assert after["boxes"][c] != before["boxes"][c], f"{where}: {key} redrew but {label} shows " \
                                                                    f"the same value {after['boxes'][c]}"
                    assert after["numbers"] != before["numbers"] or c >= len(params), (
                        f"{where}: moving {label} to {after['boxes'][c]} redrew the figure but left the numbers")
                    if check(after, f"{label} moved by keyboard"):
                        checked = True
                        break
                    if c >= len(params):
                        break       # no kernel-free counterpart: one move shows it redraws
                # typing: another setting of the kernel-free slider, then back to the start
                if c < len(params):
                    here = live.state()["boxes"][c]
                    target = next(v for v in reversed(params[c]) if not same_value(here, v))
                    _, after, _, _ = live.type(c, target, label)
                    assert same_value(after["boxes"][c], target), (
                        f"{where}: typed {target} into {label}, it shows {after['boxes'][c]}")
                    assert check(after, f"{label} typed"), f"{where}: typed {target}, not a kernel-free setting?"
                    checked = True
                if live.state()["boxes"] != initial_boxes:
                    _, after, _, _ = live.type(c, initial_boxes[c], label)
                    assert after["boxes"] == initial_boxes, f"{where}: could not type {label} back to its start"
                    assert after["numbers"] == start["numbers"], f"{where}: back at the start, other numbers"
                assert checked or c >= len(params), f"{where}: {label} never reached a kernel-free setting"
        assert not context.offsite, f"{chapter}: requests off 127.0.0.1 (blocked): {context.offsite}"
        bad = [e for e in console_errors if "model not found" in e or "schema" in e]
        assert not bad, f"{chapter}: console errors {bad}"
    finally:
        try:  # shut this chapter's kernel down, so the next chapter has the cores
            for s in json.load(urllib.request.urlopen(f"{base}api/sessions?token={token}")):
                req = urllib.request.Request(f"{base}api/sessions/{s['id']}?token={token}", method="DELETE")
                urllib.request.urlopen(req)
        finally:
            page.close()
    slow = [t for t in TIMINGS if t[0] == chapter and t[4] > MAX_CPU_PER_UPDATE]
    assert not slow, f"{chapter}: updates that took over {MAX_CPU_PER_UPDATE} s of kernel CPU: {slow}"
