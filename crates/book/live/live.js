// The live book: added by `cargo run -p book -- serve` to every page, never
// to the static build. It polls /api/progress twice a second and, when the
// state changed, redraws the panel of this page's exercise, the marks in the
// sidebar and the course map.
(function () {
  "use strict";

  const WORDS = {
    pass: ["PASS", "pass"],
    inconclusive: ["PASS", "pass"],
    not_judged: ["NOT JUDGED", "wait"],
    fail: ["FAIL", "fail"],
    not_started: ["NOT STARTED", "todo"],
    compile_error: ["COMPILE ERROR", "fail"],
    crashed: ["CRASHED", "fail"],
    timed_out: ["TIMED OUT", "fail"],
    stopped: ["STOPPED", "fail"],
    not_trusted: ["NOT TRUSTED", "fail"],
  };
  const EXPLAIN = {
    inconclusive: "Correct and concurrent; this machine had no spare cores to show the speed, so it was not measured.",
    not_judged: "Nothing failed, but the machine was too busy to show part of the work: run it again when it is quieter.",
    not_started: "Your code still stops at its todo!().",
    compile_error: "Your crate did not compile: the terminal shows the compiler's errors.",
    crashed: "The check stopped before it wrote a result.",
    timed_out: "No result before the time limit: does something wait forever?",
    stopped: "It went past one of the checker's limits and was stopped.",
    not_trusted: "The report could not be trusted, and earns nothing.",
  };
  const MARKS = { done: ["✓", "pass"], attempted: ["✗", "fail"], not_started: ["·", "todo"] };

  function here() {
    const path = decodeURIComponent(location.pathname).replace(/^\/+/, "");
    return path === "" ? "index.html" : path;
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function verdictOf(ex) {
    if (!ex.verdict) return ["NOT RUN YET", "todo"];
    return WORDS[ex.verdict] || [ex.verdict.toUpperCase(), "fail"];
  }

  function panel(ex) {
    const [word, tone] = verdictOf(ex);
    const box = el("section", "live-panel live-" + tone);
    box.id = "live-panel";
    box.dataset.verdict = ex.verdict || "none";
    const head = el("div", "live-head");
    head.append(el("span", "live-verdict", word), " ");
    head.append(el("span", "live-what", "Your code, " + ex.label + " " + ex.name));
    if (ex.checked_at) {
      head.append(el("span", "live-when", " · checked " + ex.checked_at.replace("T", " ").replace(/\..*|Z$/, "") + " UTC"));
    }
    if (ex.changed_since) {
      head.append(el("span", "live-stale", " · " + ex.file + " changed since: run the check again"));
    }
    box.append(head);
    if (EXPLAIN[ex.verdict] && !(ex.verdict === "not_started" && ex.panicked)) {
      box.append(el("p", "live-explain", EXPLAIN[ex.verdict]));
    }
    if (ex.panicked) {
      const where = ex.panicked.location ? " at " + ex.panicked.location : "";
      box.append(el("p", "live-explain", (ex.verdict === "not_started" ? "Your code still stops at its todo!()" : "Your code panicked") + where + "."));
    }
    if (ex.evidence.length) {
      const list = el("ul", "live-evidence");
      for (const e of ex.evidence) {
        const item = el("li", "live-ev live-ev-" + e.status);
        item.append(el("span", "live-ev-mark", e.status === "pass" ? "✓" : e.status === "fail" ? "✗" : "·"));
        item.append(el("span", "live-ev-name", e.name));
        item.append(el("span", "live-ev-text", e.summary));
        list.append(item);
      }
      box.append(list);
    }
    if (ex.speedup) {
      const s = ex.speedup;
      const top = Math.max(s.measured, s.ceiling, 1);
      const bars = el("div", "live-speedup");
      for (const [label, value, cls] of [["yours", s.measured, "live-bar-yours"], ["this machine allowed", s.ceiling, "live-bar-ceiling"]]) {
        const row = el("div", "live-bar-row");
        row.append(el("span", "live-bar-label", label));
        const track = el("span", "live-bar-track");
        const bar = el("span", "live-bar " + cls);
        bar.style.width = (100 * value / top).toFixed(1) + "%";
        track.append(bar);
        row.append(track, el("span", "live-bar-value", value.toFixed(2) + "x"));
        bars.append(row);
      }
      box.append(bars);
    }
    if (ex.diagnosis) box.append(el("p", "live-diagnosis", ex.diagnosis));
    const todo = el("p", "live-file");
    todo.append("Edit ", el("code", "", ex.file), ", then run ", el("code", "", "cargo run -p checker -- run " + ex.name), ".");
    box.append(todo);
    if (ex.timeline) {
      const img = el("img", "live-timeline");
      img.alt = "Which thread ran which work item when, in your last run";
      img.src = ex.timeline + "?at=" + encodeURIComponent(ex.checked_at || "");
      box.append(img);
    }
    return box;
  }

  function drawPanel(state) {
    const page = here();
    const ex = state.exercises.find((e) => page === e.page || page.endsWith("/" + e.page));
    const main = document.querySelector("main");
    if (!ex || !main) return;
    const old = document.getElementById("live-panel");
    const fresh = panel(ex);
    if (old) old.replaceWith(fresh);
    else main.prepend(fresh);
  }

  function drawSidebar(state) {
    for (const link of document.querySelectorAll(".sidebar a[href], mdbook-sidebar-scrollbox a[href]")) {
      const href = link.getAttribute("href").split("#")[0];
      const ex = state.exercises.find((e) => href === e.page || href.endsWith("/" + e.page));
      if (!ex) continue;
      let mark = link.querySelector(".live-mark");
      if (!mark) {
        mark = el("span", "live-mark");
        link.prepend(mark);
      }
      const [symbol, tone] = MARKS[ex.status] || MARKS.not_started;
      mark.textContent = symbol;
      mark.className = "live-mark live-" + tone;
      mark.title = ex.status.replace("_", " ");
    }
    const box = document.querySelector("mdbook-sidebar-scrollbox") || document.querySelector(".sidebar-scrollbox");
    if (!box) return;
    let score = document.getElementById("live-score");
    if (!score) {
      score = el("div", "live-score");
      score.id = "live-score";
      box.prepend(score);
    }
    score.textContent = "";
    const map = el("a", "", "course map");
    map.href = "/course-map.html";
    score.append(el("strong", "", state.points + "/" + state.max_points + " points"), " · " + state.done + "/" + state.exercises.length + " done · ", map);
  }

  function drawMap(state) {
    const host = document.getElementById("live-map");
    if (!host) return;
    const table = el("table", "live-map");
    const head = el("tr");
    for (const h of ["", "exercise", "status", "points", "speedup"]) head.append(el("th", "", h));
    table.append(head);
    let chapter = null;
    for (const ex of state.exercises) {
      if (ex.chapter !== chapter) {
        chapter = ex.chapter;
        const row = el("tr", "live-map-chapter");
        const cell = el("td", "", chapter.replace(/^\d+_/, "").replace(/_/g, " "));
        cell.colSpan = 5;
        row.append(cell);
        table.append(row);
      }
      const [word, tone] = verdictOf(ex);
      const row = el("tr");
      row.dataset.exercise = ex.name;
      row.append(el("td", "", ex.label));
      const name = el("td");
      const link = el("a", "", ex.title);
      link.href = "/" + ex.page;
      name.append(link);
      row.append(name);
      row.append(el("td", "live-" + tone, word));
      row.append(el("td", "", ex.points + "/" + ex.max_points));
      row.append(el("td", "", ex.speedup ? ex.speedup.measured.toFixed(2) + "x of " + ex.speedup.ceiling.toFixed(2) + "x" : ""));
      table.append(row);
    }
    host.replaceChildren(table);
  }

  // Python beside Rust, measured on this machine by `checker python`,
  // under the heading of that name on the chapter's overview page.
  function seconds(value) {
    if (value === null || value === undefined) return "-";
    return value >= 1 ? value.toFixed(2) + " s" : (value * 1000).toFixed(value < 0.01 ? 2 : 0) + " ms";
  }

  function drawPython(results) {
    const old = document.getElementById("live-python");
    const match = here().match(/^(\d\d)_[^/]+\/index\.html$/);
    const heading = document.getElementById("python-beside-rust");
    if (!match || !heading || !results || results.format_version !== 1) {
      if (old) old.remove();
      return;
    }
    const workloads = results.workloads.filter((w) => w.chapter === match[1]);
    if (!workloads.length) return;
    const box = el("section", "live-python");
    box.id = "live-python";
    const usable = results.interpreters.filter((i) => !i.error);
    const names = usable.map((i) => i.label + (i.gil_enabled === false ? " (no GIL)" : i.gil_enabled ? " (GIL)" : ""));
    box.append(el("p", "live-python-head", "Measured on your machine (" + results.machine.cpus + " CPUs, " + results.machine.os + ") at " + results.measured_at.replace("T", " ").replace("Z", " UTC") + " by `cargo run -p checker -- python " + match[1] + "`: " + names.join(", ") + " beside Rust."));
    for (const w of workloads) {
      box.append(el("p", "live-python-title", w.title));
      const table = el("table", "live-python-table");
      const head = el("tr");
      head.append(el("th", "", ""));
      for (const i of usable) head.append(el("th", "", i.label));
      head.append(el("th", "", "Rust"));
      table.append(head);
      for (const row of w.rows) {
        const tr = el("tr");
        tr.append(el("td", "", row.label));
        for (const i of usable) tr.append(el("td", "", seconds(row.python[i.label])));
        tr.append(el("td", "", seconds(row.rust)));
        table.append(tr);
      }
      box.append(table);
      const notes = [];
      if (w.ceiling) notes.push("this machine's ceiling for parallel work: " + w.ceiling.toFixed(2) + "x");
      if (w.ideal) notes.push("ideal: " + seconds(w.ideal));
      if (notes.length) box.append(el("p", "live-python-note", notes.join(" · ")));
      box.append(el("p", "live-python-verdict", w.verdict_line));
    }
    if (old) old.replaceWith(box);
    else heading.after(box);
  }

  let lastPython = "";
  async function pollPython() {
    try {
      const response = await fetch("/api/python", { cache: "no-store" });
      if (response.ok) {
        const text = await response.text();
        if (text !== lastPython) {
          lastPython = text;
          drawPython(JSON.parse(text));
        }
      }
    } catch (e) {
      // The server stopped: keep what is shown.
    }
    setTimeout(pollPython, 2000);
  }
  pollPython();

  let last = "";
  async function poll() {
    try {
      const response = await fetch("/api/progress", { cache: "no-store" });
      if (response.ok) {
        const text = await response.text();
        if (text !== last) {
          last = text;
          const state = JSON.parse(text);
          drawPanel(state);
          drawSidebar(state);
          drawMap(state);
        } else {
          // The sidebar may have been drawn again by mdBook's own script.
          if (!document.querySelector(".live-mark")) drawSidebar(JSON.parse(text));
        }
      }
    } catch (e) {
      // The server stopped: keep what is shown.
    }
    setTimeout(poll, 500);
  }
  poll();
})();
