// The backward stepper: PAGE_DATA (from viz/stepper.py) says, for every box and edge of the inline SVG, from which
// step on its gradient is known or flowing; this script only shows the state of the chosen step.
(function () {
  "use strict";
  const D = PAGE_DATA;
  const el = (id) => document.getElementById(id);
  const pane = el("graph-pane");
  let current = 0;

  // Each box's gradient line as Graphviz drew it (the final value), to put back after showing "—".
  const gradLines = {};
  for (const id of Object.keys(D.boxes)) {
    const g = pane.querySelector(`g.node[id="${id}"]`);
    if (!g) continue;
    const line = [...g.querySelectorAll("text")].find((t) => t.textContent.startsWith("grad "));
    if (line) gradLines[id] = { node: line, text: line.textContent };
  }

  function show(step) {
    current = Math.max(0, Math.min(D.steps, step));
    for (const [id, state] of Object.entries(D.boxes)) {
      const g = pane.querySelector(`g.node[id="${id}"]`);
      if (!g) continue;
      const known = state.known !== null && current >= state.known;
      g.classList.toggle("known", known);
      g.classList.toggle("pending", !known);
      g.classList.toggle("active", D.active[String(current)] === id);
      const line = gradLines[id];
      if (line) line.node.textContent = known ? line.text : `grad ${D.noGrad}`;
    }
    for (const [id, step] of Object.entries(D.edges)) {
      const g = pane.querySelector(`g.edge[id="${id}"]`);
      if (!g) continue;
      g.classList.toggle("active", step === current);
      g.classList.toggle("done", step < current);
    }
    el("counter").textContent = `step ${current} of ${D.steps}`;
    const text = D.narration[current];
    el("step-title").textContent = text.title;
    const narration = el("narration");
    narration.replaceChildren(...text.lines.map((line) => {
      const p = document.createElement("p");
      p.textContent = line;
      return p;
    }));
    const rows = D.leaves.map((leaf) => {
      const tr = document.createElement("tr");
      const name = document.createElement("td");
      const grad = document.createElement("td");
      name.textContent = leaf.name;
      grad.textContent = current >= leaf.known && current > 0 ? `grad ${leaf.grad}` : `grad ${D.noGrad}`;
      tr.append(name, grad);
      return tr;
    });
    el("leaves").replaceChildren(...rows);
    el("prev").disabled = current === 0;
    el("next").disabled = current === D.steps;
    const active = D.active[String(current)];
    const box = active && pane.querySelector(`g.node[id="${active}"]`);
    if (box) {
      const r = box.getBoundingClientRect(), p = pane.getBoundingClientRect();
      pane.scrollBy({ left: r.left - p.left - p.width / 2 + r.width / 2, top: r.top - p.top - p.height / 2 + r.height / 2 });
    }
    if (location.hash !== `#${current}`) history.replaceState(null, "", `#${current}`);
  }

  function fromHash() {
    const k = parseInt(location.hash.slice(1), 10);
    show(Number.isInteger(k) ? k : 0);
  }

  el("prev").addEventListener("click", () => show(current - 1));
  el("next").addEventListener("click", () => show(current + 1));
  document.addEventListener("keydown", (event) => {
    if (event.key === "ArrowRight") { show(current + 1); event.preventDefault(); }
    if (event.key === "ArrowLeft") { show(current - 1); event.preventDefault(); }
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
