// The training page: everything it shows was computed by tinygrad_lr and is in PAGE_DATA (see viz/training.py).
// State: the chosen learning rate (index into runs) and epoch; the URL's #rate=i&epoch=k follows them.
(function () {
  "use strict";
  const D = PAGE_DATA;
  const NS = "http" + "://www.w3.org/2000/svg"; // the SVG namespace name (an identifier, never fetched)
  const W = 560, H = 400, M = { left: 58, right: 16, top: 16, bottom: 44 };
  const state = { rate: 0, epoch: 0, timer: null };

  // 4 significant digits without trailing zeros: 0.1, 2.317e+10; null is what JSON made of inf and NaN
  function fmt(v) {
    if (v === null || v === undefined) return "inf/NaN";
    const [mantissa, exponent] = Number(v).toPrecision(4).split("e");
    const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
    return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
  }
  const el = (id) => document.getElementById(id);

  function svg(tag, attrs, parent) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  function scale(d0, d1, r0, r1) {
    const span = (d1 - d0) || 1;
    return (v) => r0 + (v - d0) / span * (r1 - r0);
  }

  // Keep coordinates drawable: a diverging curve reaches 1e30, which no SVG renderer handles.
  const clampPx = (v) => Math.max(-1e5, Math.min(1e5, v));

  function ticks(lo, hi, n) {
    const step = Math.pow(10, Math.floor(Math.log10((hi - lo) / n || 1)));
    const mult = [1, 2, 5, 10].find((m) => (hi - lo) / (step * m) <= n) || 10;
    const s = step * mult, out = [];
    for (let v = Math.ceil(lo / s) * s; v <= hi + 1e-12; v += s) out.push(Number(v.toPrecision(12)));
    return out;
  }

  function axes(root, sx, sy, xr, yr, xlabel, ylabel, ytext) {
    svg("line", { x1: M.left, y1: H - M.bottom, x2: W - M.right, y2: H - M.bottom, class: "axis" }, root);
    svg("line", { x1: M.left, y1: M.top, x2: M.left, y2: H - M.bottom, class: "axis" }, root);
    for (const t of ticks(xr[0], xr[1], 8)) {
      svg("text", { x: sx(t), y: H - M.bottom + 16, "text-anchor": "middle", class: "tick" }, root).textContent = fmt(t);
    }
    for (const t of ticks(yr[0], yr[1], 6)) {
      svg("text", { x: M.left - 6, y: sy(t) + 4, "text-anchor": "end", class: "tick" }, root).textContent = ytext(t);
    }
    svg("text", { x: (M.left + W - M.right) / 2, y: H - 8, "text-anchor": "middle", class: "label" }, root).textContent = xlabel;
    const yl = svg("text", { x: 14, y: (M.top + H - M.bottom) / 2, "text-anchor": "middle", class: "label" }, root);
    yl.setAttribute("transform", `rotate(-90 14 ${(M.top + H - M.bottom) / 2})`);
    yl.textContent = ylabel;
  }

  function clip(root, id) {
    const defs = svg("defs", {}, root);
    const c = svg("clipPath", { id: id }, defs);
    svg("rect", { x: M.left, y: M.top, width: W - M.left - M.right, height: H - M.top - M.bottom }, c);
    return `url(#${id})`;
  }

  // ----- the data plot ------------------------------------------------------------------------------
  const xr = [D.grid[0], D.grid[D.grid.length - 1]];
  let ylo = Math.min(...D.y), yhi = Math.max(...D.y);
  const ypad = 0.15 * ((yhi - ylo) || 1);
  ylo -= ypad; yhi += ypad;
  const fx = scale(xr[0], xr[1], M.left, W - M.right), fy = scale(ylo, yhi, H - M.bottom, M.top);
  const fit = el("fit");
  axes(fit, fx, fy, xr, [ylo, yhi], D.xLabel, D.yLabel, fmt);
  const fitClip = clip(fit, "fit-clip");
  const cloud = svg("g", { "clip-path": fitClip }, fit);
  D.x.forEach((x, i) => svg("circle", { cx: fx(x), cy: fy(D.y[i]), r: 3, class: "point" }, cloud));
  const line = svg("polyline", { id: "fit-line", class: "fit", "clip-path": fitClip }, fit);

  // ----- the loss plot (log10) ----------------------------------------------------------------------
  const logs = [];
  for (const run of D.runs) for (const v of run.losses) if (v !== null && v > 0) logs.push(Math.log10(v));
  let llo = logs.length ? Math.min(...logs) : -1, lhi = logs.length ? Math.max(...logs) : 1;
  if (lhi - llo < 1) { llo -= 0.5; lhi += 0.5; }
  const lx = scale(0, D.epochs, M.left, W - M.right), ly = scale(llo, lhi, H - M.bottom, M.top);
  const lossSvg = el("loss");
  axes(lossSvg, lx, ly, [0, D.epochs], [llo, lhi], "epoch", "loss", (t) => "1e" + Math.round(t));
  const lossClip = clip(lossSvg, "loss-clip");
  const lossLines = D.runs.map((run, i) => {
    const pts = [];
    run.losses.forEach((v, k) => {
      // a non-finite loss is drawn at the top edge: the curve visibly leaves the plot
      const y = (v === null || !(v > 0)) ? (v === 0 ? ly(llo) : M.top - 20) : ly(Math.log10(v));
      pts.push(`${lx(k).toFixed(1)},${clampPx(y).toFixed(1)}`);
    });
    return svg("polyline", { points: pts.join(" "), class: "loss", "data-rate": i, "clip-path": lossClip }, lossSvg);
  });
  const marker = svg("line", { y1: M.top, y2: H - M.bottom, class: "marker", id: "epoch-marker" }, lossSvg);

  // ----- controls -----------------------------------------------------------------------------------
  el("title").textContent = D.title;
  let about = `${D.samples} samples. Each epoch is one full-batch gradient step, computed by tinygrad_lr; ` +
    "every learning rate starts from the same initial weights.";
  if (D.criticalRate !== null) {
    about += ` For this data, gradient descent on this loss converges only for lr < ${fmt(D.criticalRate)} ` +
      "(2 / the largest curvature of the loss); above it every step overshoots more than the last.";
    if (D.curvatureRatio === null || D.curvatureRatio > 100) {
      about += ` The loss is ${D.curvatureRatio === null ? "infinitely" : fmt(D.curvatureRatio) + " times"} more ` +
        "curved in one direction than in another, so at any stable rate the flat direction crawls: centring and " +
        "scaling x (standardizing) makes the two alike and training fast.";
    }
  }
  el("about").textContent = about;
  const rates = el("rates");
  const buttons = D.runs.map((run, i) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = String(run.lr);
    b.dataset.rate = i;
    if (run.divergedAt !== null) {
      b.classList.add("diverged");
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = "diverges";
      b.appendChild(badge);
    }
    b.addEventListener("click", () => { stop(); choose(i, state.epoch); });
    rates.appendChild(b);
    return b;
  });
  const slider = el("epoch");
  slider.max = D.epochs;
  slider.addEventListener("input", () => choose(state.rate, Number(slider.value)));
  el("play").addEventListener("click", () => (state.timer ? stop() : play()));

  function play() {
    if (state.epoch >= D.epochs) choose(state.rate, 0);
    el("play").textContent = "\u23f8 pause";
    const delay = Math.max(15, Math.min(120, 4000 / D.epochs));
    state.timer = setInterval(() => {
      if (state.epoch >= D.epochs) { stop(); return; }
      choose(state.rate, state.epoch + 1);
    }, delay);
  }

  function stop() {
    if (state.timer) clearInterval(state.timer);
    state.timer = null;
    el("play").textContent = "\u25b6 play";
  }

  function verdict(run) {
    const first = run.losses[0], last = run.losses[run.losses.length - 1];
    if (run.divergedAt !== null) {
      const stopped = run.losses.length - 1 < D.epochs ? `; training stopped at epoch ${run.losses.length - 1}` : "";
      return { bad: true, text: `lr = ${run.lr} diverges: the loss explodes from ${fmt(first)} at epoch 0 to ` +
        `${fmt(last)} at epoch ${run.divergedAt}${stopped}. The step is too big: each one overshoots the minimum ` +
        "by more than the last." };
    }
    const ratio = first > 0 ? last / first : 1;
    const how = ratio > 0.5 ? "crawls (the step is small): " : "converges: ";
    return { bad: false, text: `lr = ${run.lr} ${how}the loss goes from ${fmt(first)} to ${fmt(last)} in ${D.epochs} epochs.` };
  }

  function choose(rate, epoch) {
    state.rate = rate;
    state.epoch = Math.max(0, Math.min(D.epochs, epoch));
    const run = D.runs[rate];
    const k = Math.min(state.epoch, run.losses.length - 1); // past an explosion: its last recorded state
    const curve = run.curves[k];
    line.setAttribute("points", D.grid.map((x, i) => {
      const y = curve[i] === null ? (M.top - 1e4) : fy(curve[i]);
      return `${fx(x).toFixed(1)},${clampPx(y).toFixed(1)}`;
    }).join(" "));
    marker.setAttribute("x1", lx(state.epoch));
    marker.setAttribute("x2", lx(state.epoch));
    lossLines.forEach((l, i) => l.classList.toggle("current", i === rate));
    lossSvg.appendChild(lossLines[rate]); // the chosen curve on top
    buttons.forEach((b, i) => b.classList.toggle("active", i === rate));
    slider.value = state.epoch;
    let status = `epoch ${state.epoch} of ${D.epochs}   loss ${fmt(run.losses[k])}`;
    const params = run.parameters[k];
    if (params) {
      status += "   " + Object.entries(params).map(([n, v]) => `${n} = ${Array.isArray(v) ? "[" + v.map(fmt).join(", ") + "]" : fmt(v)}`).join(", ");
    }
    if (k < state.epoch) status += `   (stopped at epoch ${k})`;
    el("status").textContent = status;
    const v = verdict(run);
    el("verdict").textContent = v.text;
    el("verdict").className = v.bad ? "bad" : "";
    const hash = `#rate=${rate}&epoch=${state.epoch}`;
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }

  function fromHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    const rate = Number(params.get("rate"));
    const epoch = Number(params.get("epoch"));
    const validRate = Number.isInteger(rate) && rate >= 0 && rate < D.runs.length;
    // by default: the first rate that converges, at epoch 0, ready to play
    const converging = D.runs.findIndex((run) => run.divergedAt === null &&
      run.losses[run.losses.length - 1] < 0.5 * run.losses[0]);
    const start = converging >= 0 ? converging : Math.max(0, D.runs.findIndex((run) => run.divergedAt === null));
    choose(validRate ? rate : start, params.has("epoch") && Number.isInteger(epoch) ? epoch : 0);
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
