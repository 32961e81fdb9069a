// negotiator serve: the page. Plain JavaScript, no build step, nothing fetched from elsewhere.
// It keeps the place (an id, or a new profile), the as-of date and the facts the user set, and asks the
// server's API for everything it shows: /api/evaluate (statuses, reasons, facts to collect, unlock lines),
// /api/diff (what changed since the last step, and the rules that made the difference), /api/explain,
// /api/unlock, /api/save and the round report. All text from the server is put in the page as text.
"use strict";

const STATUS = {
  available: "Available now",
  needs_stronger_accountability: "Available with stronger accountability",
  not_available: "Not available",
  undetermined: "Undetermined (facts missing)",
  not_in_force: "Not in force on this date",
};
const MARK = { true: "✓", false: "✗", undetermined: "?" };
const GROUPS = {
  kind: "The place", population: "The place", grouping: "Working together", accountability: "Accountability",
  capacity: "Capacity and track record", priorities: "Powers asked for", spend: "Public spending mapped",
};
const DEBOUNCE_MS = 200;

const S = {
  packs: [], pack: null, vocab: null, facts: {}, places: [], place: null, profile: null, asOf: "",
  set: {}, ev: null, last: null, seq: 0, timer: null, controls: {}, interview: null, rounds: [], councils: null,
};

// --- small helpers -------------------------------------------------------------------------------------
const $ = (id) => document.getElementById(id);

function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

function fill(el, ...kids) {  // replaceChildren, leaving out null and false as h() does
  el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
  return el;
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method, headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) {
    const err = new Error(`${res.status}`);
    err.errors = (data && data.errors) || [`${res.status} ${res.statusText}`];
    throw err;
  }
  return data;
}

function showErrors(lines) {
  const box = $("errors");
  box.replaceChildren();
  if (!lines || !lines.length) { box.hidden = true; return; }
  box.append(h("strong", {}, "The server could not use this input:"), h("ul", {}, lines.map((l) => h("li", {}, l))));
  box.hidden = false;
}

function busy(on) { $("busy").hidden = !on; }

function cat() { return S.ev && S.ev.catalogue; }

function factTitle(name) {
  const base = name.replace(/@months$/, "");
  const f = S.facts[base] || (cat() && cat().facts[base]);
  return f ? f.title : base;
}

function powerTitle(id) { return (cat() && cat().powers[id] && cat().powers[id].title) || id; }

function tierText(id, inSentence) {
  if (!id) return "unknown";
  const t = cat() && cat().tiers.find((x) => x.id === id);
  const title = t ? t.title : id;
  return inSentence && /^[A-Z][a-z ]/.test(title) ? title[0].toLowerCase() + title.slice(1) : title;
}

function tierNeed(p) {  // "Needs X, which the place has." or "Needs X; the place has Y."
  const cur = S.ev.accountability.current_tier;
  if (cur === p.required_tier) return `Needs ${tierText(p.required_tier, true)}, which the place has.`;
  return `Needs ${tierText(p.required_tier, true)}; the place has ${tierText(cur, true)}.`;
}

function show(name, value) {
  if (value === null || value === undefined) return "unknown";
  const f = S.facts[name];
  if (Array.isArray(value)) {
    if (!value.length) return "none";
    return value.map((v) => (f ? (f.values.find((c) => c.value === v) || { title: v }).title : v)).join("; ");
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return value.toLocaleString("en-GB") + (f && f.unit ? ` ${f.unit}` : "");
  if (f && f.values.length) {
    const c = f.values.find((x) => x.value === value);
    if (c) return c.title;
  }
  return String(value);
}

function ruleText(id) {
  const r = cat() && cat().rules[id];
  return r ? r.statement : id;
}

function cite(key) { return (cat() && cat().sources[key]) || key; }

function conclusion(text) {  // "power adult_skills" or "negotiation level", as facts to collect name them
  return text.startsWith("power ") ? powerTitle(text.slice(6)) : text === "negotiation level"
    ? "whether it can negotiate" : text;
}

// --- the state sent to the server --------------------------------------------------------------------------
function request(extra) {
  const r = { pack: S.pack, as_of: S.asOf || null, set: { ...S.set } };
  if (S.profile) r.profile = S.profile; else r.place = S.place;
  return Object.assign(r, extra || {});
}

function schedule() {
  clearTimeout(S.timer);
  S.timer = setTimeout(refresh, DEBOUNCE_MS);
  markChanged();
}

async function refresh() {
  if (!S.place && !S.profile) return;
  const req = request();
  const before = S.last;
  const previous = S.ev;
  const seq = ++S.seq;
  busy(true);
  try {
    const [ev, change] = await Promise.all([
      api("POST", "/api/evaluate", req),
      before ? api("POST", "/api/diff", { before, after: req }) : Promise.resolve(null),
    ]);
    if (seq !== S.seq) return;
    S.ev = ev;
    S.last = req;
    showErrors(null);
    render(change, before, previous);
  } catch (e) {
    if (seq !== S.seq) return;
    showErrors(e.errors || [String(e)]);
  } finally {
    if (seq === S.seq) busy(false);
  }
  updateUrl();
}

// Dates are shown and typed as ISO dates (YYYY-MM-DD), never in the browser's locale: a text box with a
// pattern, not <input type="date">, whose display follows the locale (03/01/2010 for 1 March or 3 January).
const ISO_INPUT = { type: "text", inputmode: "numeric", pattern: "[0-9]{4}-[0-9]{2}-[0-9]{2}", placeholder: "YYYY-MM-DD",
  size: "10", maxlength: "10" };
const DATE_HINT = "write the date as YYYY-MM-DD, e.g. 2011-05-01";
function isoDate(text) {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

function updateUrl() {
  const q = new URLSearchParams();
  if (S.pack) q.set("pack", S.pack);
  if (S.place) q.set("place", S.place);
  if (S.asOf) q.set("as_of", S.asOf);
  history.replaceState(null, "", `?${q}`);
}

// --- form controls built from the declared vocabulary ----------------------------------------------------
// Each returns {el, set(value)}; `change(value)` is called with the new value, null for unknown.
function unknownBox(id, onUnknown) {
  const box = h("input", { type: "checkbox", id: `${id}-unknown` });
  box.addEventListener("change", () => onUnknown(box.checked));
  return [box, h("label", { class: "check", for: `${id}-unknown` }, box, "unknown")];
}

function control(f, id, change) {
  const t = f.type;
  if (t === "choice") {
    const sel = h("select", { id, name: id }, h("option", { value: "" }, "unknown"),
      f.values.map((c) => h("option", { value: c.value }, c.title)));
    sel.addEventListener("change", () => change(sel.value === "" ? null : sel.value));
    return { el: sel, set: (v) => { sel.value = v ?? ""; }, focus: sel };
  }
  if (t === "boolean") {
    const opts = [["true", "Yes"], ["false", "No"], ["", "Unknown"]];
    const inputs = opts.map(([v]) => h("input", { type: "radio", name: id, value: v, id: `${id}-${v || "unknown"}` }));
    const seg = h("span", { class: "seg", role: "radiogroup", "aria-label": f.title },
      opts.map(([, label], i) => h("label", { for: inputs[i].id }, inputs[i], label)));
    inputs.forEach((inp) => inp.addEventListener("change", () => {
      if (inp.checked) change(inp.value === "" ? null : inp.value === "true");
    }));
    return {
      el: seg, focus: inputs[0],
      set: (v) => { const key = v === true ? "true" : v === false ? "false" : ""; inputs.forEach((i) => { i.checked = i.value === key; }); },
    };
  }
  if (t === "integer" || t === "number" || t === "date" || t === "text") {
    const attrs = { id, name: id };
    if (t === "integer" || t === "number") {
      Object.assign(attrs, { type: "number", step: t === "integer" ? "1" : "any", inputmode: "decimal" });
      if (f.minimum !== null && f.minimum !== undefined) attrs.min = f.minimum;
      if (f.maximum !== null && f.maximum !== undefined) attrs.max = f.maximum;
    } else if (t === "date") Object.assign(attrs, ISO_INPUT);
    else attrs.type = "text";
    const inp = h("input", attrs);
    let never = null;
    const read = () => {
      if (never && never.checked) return "never";
      if (inp.value === "" || !inp.validity.valid) return undefined;
      if (t === "integer") return parseInt(inp.value, 10);
      if (t === "number") return parseFloat(inp.value);
      return inp.value;
    };
    const [unk, unkLabel] = unknownBox(id, (checked) => {
      if (checked) { inp.value = ""; if (never) never.checked = false; change(null); } else {
        const v = read(); if (v !== undefined) change(v);
      }
    });
    const problem = h("span", { class: "invalid", role: "status" });
    inp.addEventListener(t === "text" ? "change" : "input", () => {
      if (t === "date") inp.setCustomValidity(inp.value === "" || isoDate(inp.value) ? "" : DATE_HINT);
      problem.textContent = inp.value !== "" && !inp.validity.valid ? `Not used: ${inp.validationMessage}` : "";
      const v = read();
      if (v !== undefined) { unk.checked = false; if (never) never.checked = false; change(v); }
    });
    inp.addEventListener("change", () => { if (inp.value === "" && !(never && never.checked)) { unk.checked = true; change(null); } });
    const parts = [inp];
    if (t === "date" && f.never) {
      never = h("input", { type: "checkbox", id: `${id}-never` });
      never.addEventListener("change", () => { if (never.checked) { inp.value = ""; unk.checked = false; change("never"); } else { unk.checked = true; change(null); } });
      parts.push(h("label", { class: "check", for: never.id }, never, "never"));
    }
    parts.push(unkLabel, problem);
    return {
      el: h("span", { class: "control-inner" }, parts), focus: inp,
      set: (v) => {
        problem.textContent = "";
        if (never) never.checked = v === "never";
        unk.checked = v === null || v === undefined;
        inp.value = v === null || v === undefined || v === "never" ? "" : String(v);
      },
    };
  }
  // a list (of powers): checkboxes, and unknown for "not recorded"
  const boxes = f.values.map((c, i) => h("input", { type: "checkbox", value: c.value, id: `${id}-${i}` }));
  const [unk, unkLabel] = unknownBox(id, (checked) => {
    if (checked) { boxes.forEach((b) => { b.checked = false; }); change(null); } else change([]);
  });
  boxes.forEach((b) => b.addEventListener("change", () => {
    unk.checked = false;
    change(boxes.filter((x) => x.checked).map((x) => x.value));
  }));
  const list = h("div", { class: "checks" },
    f.values.map((c, i) => h("label", { class: "check", for: boxes[i].id }, boxes[i], c.title)), unkLabel);
  return {
    el: list, focus: boxes[0],
    set: (v) => {
      unk.checked = v === null || v === undefined;
      boxes.forEach((b) => { b.checked = Array.isArray(v) && v.includes(b.value); });
    },
  };
}

function buildForm() {
  const form = $("facts");
  form.replaceChildren();
  S.controls = {};
  const groups = new Map();
  for (const f of S.vocab.facts) {
    const g = GROUPS[f.group] || f.group.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(f);
  }
  for (const [title, facts] of groups) {
    const fs = h("fieldset", {}, h("legend", {}, title));
    for (const f of facts) {
      const id = `f-${f.name}`;
      const ctl = control(f, id, (v) => { S.set[f.name] = v; schedule(); });
      const since = h("div", { class: "since" });
      const revert = h("button", { type: "button", class: "quiet small revert", hidden: true,
        title: "Go back to the value in the profile" }, "↺ profile's value");
      revert.addEventListener("click", () => { delete S.set[f.name]; schedule(); });
      const labelFor = f.type === "choice" || ["integer", "number", "date", "text"].includes(f.type) ? id : null;
      const label = labelFor ? h("label", { class: "label", for: id }, f.title) : h("span", { class: "label" }, f.title);
      const row = h("div", { class: "fact", dataset: { fact: f.name, type: f.type }, title: f.description || null },
        label, h("span", { class: "name" }, f.name), h("div", { class: "control" }, ctl.el, revert), since);
      S.controls[f.name] = { ...ctl, row, since, revert };
      fs.append(row);
    }
    form.append(fs);
  }
}

function markChanged() {
  for (const [name, c] of Object.entries(S.controls)) {
    const changed = Object.prototype.hasOwnProperty.call(S.set, name);
    c.row.classList.toggle("changed", changed);
    c.revert.hidden = !changed;
  }
  $("reset").disabled = !Object.keys(S.set).length;
}

function syncForm() {
  const facts = S.ev.facts;
  for (const [name, c] of Object.entries(S.controls)) {
    const mine = Object.prototype.hasOwnProperty.call(S.set, name);
    const value = mine ? S.set[name] : (facts[name] ? facts[name].value : null);
    if (!c.row.contains(document.activeElement)) c.set(value);
    const fv = facts[name];
    let text;
    if (mine) text = "set by you (replaces the profile's values at every date)";
    else if (!fv) text = "unknown on this date";
    else {
      const bits = [];
      if (fv.since) bits.push(`${fv.measured ? "measured" : "since"} ${fv.since}`);
      if (fv.source) bits.push(fv.source);
      if (fv.note) bits.push(fv.note);
      text = bits.join(" · ") || "stated in the profile";
    }
    c.since.textContent = text;
    c.since.title = text;
  }
  markChanged();
}

// --- rendering the evaluation --------------------------------------------------------------------------------
function chip(status) {
  return h("span", { class: `chip s-${status}`, dataset: { status } }, STATUS[status] || status);
}

function render(change, before, previous) {
  syncForm();
  renderSummary();
  renderPowers(change);
  renderChanges(change, before, previous);
  renderCollect();
  renderInterview();
  const sid = $("save-id"); const sname = $("save-name");
  if (!sid.dataset.touched) sid.value = S.ev.place.id;
  if (!sname.dataset.touched) sname.value = S.ev.place.name;
}

function renderSummary() {
  const ev = S.ev;
  const neg = ev.negotiation;
  const box = $("summary");
  const kind = ev.facts.kind ? show("kind", ev.facts.kind.value) : "kind unknown";
  const pop = ev.facts.population ? ev.facts.population.value.toLocaleString("en-GB") : "unknown";
  const verdict = neg.eligible === true ? ["yes", "✓", "Eligible to negotiate a deal"]
    : neg.eligible === false ? ["no", "✗", "Not eligible to negotiate a deal"]
      : ["unknown", "?", "Undetermined whether it can negotiate (facts missing)"];
  const reasons = [];
  if (neg.eligible === false && neg.reason) {
    reasons.push(h("p", {}, `${neg.reason.result === "true" ? "Barred by" : "Fails"}: ${ruleText(neg.reason.rule)}`));
    if (neg.reason.failed.length) reasons.push(h("p", { class: "muted" }, `fails on: ${neg.reason.failed.join("; ")}`));
  } else if (neg.eligible === true) {
    reasons.push(h("p", {}, ruleText(neg.rule)));
    for (const r of neg.decisive) reasons.push(h("p", { class: "muted" }, `${MARK[ev.steps[r].result]} ${ruleText(r)}`));
  }
  if (neg.missing.length) reasons.push(h("p", {}, `Missing: ${neg.missing.map(factTitle).join("; ")}`));
  const acc = ev.accountability;
  const met = { true: "met", false: "not met", null: "undetermined" }[String(acc.meets_requirement)];
  const items = [
    ["Kind", kind], ["Population", pop], ["Member councils", String(ev.place.members.length)],
    ["Accountability model", show(acc.fact, acc.model)], ["Its tier", tierText(acc.current_tier)],
    ["The package asked for needs", acc.requested.length ? `${tierText(acc.required_tier)}: ${met}` : "nothing (no powers asked for)"],
  ];
  fill(box, 
    h("div", { class: "summary-head" },
      h("h2", { id: "place-name" }, ev.place.name),
      h("span", { class: "muted" }, `as of ${ev.as_of} · rule pack ${ev.pack.id} v${ev.pack.version} · ${S.profile ? "a new place, not saved" : ev.place.file}`)),
    h("div", { class: `verdict ${verdict[0]}`, id: "eligibility", dataset: { eligible: String(neg.eligible) } },
      h("span", { class: "mark", "aria-hidden": "true" }, verdict[1]),
      h("div", {}, h("strong", {}, verdict[2] + (ev.pack_in_force === false ? ", were the pack in force" : "")), reasons)),
    ev.pack_in_force === false ? h("p", { class: "special", id: "pack-not-in-force" }, h("strong", {}, "Not in force: "), `${ev.pack_in_force_note}.`) : null,
    ev.place_exists_note ? h("p", { class: "special", id: "place-not-existing" }, h("strong", {}, ev.place_exists === false ? "Not existing: " : "Existence unknown: "), `${ev.place_exists_note}.`) : null,
    h("dl", { class: "facts-line" }, items.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))),
    acc.models.length ? h("p", {}, `To meet the package's tier: ${acc.models.map((m) => show(acc.fact, m)).join("; ")}.`) : null,
    neg.special_case ? h("p", { class: "special" }, h("strong", {}, `${neg.special_case.title}: `), neg.special_case.text) : null,
  );
}

function whyLines(p) {
  const ev = S.ev;
  const out = [];
  const tier = cat().tiers.find((t) => t.id === p.required_tier);
  const raised = p.raised_by.map((r) => h("li", { class: "muted" }, h("span", { class: "m" }, "↑"), `It needs that tier because: ${ruleText(r)}`));
  if (p.status === "available") {
    out.push(h("li", {}, h("span", { class: "m true" }, "✓"), tierNeed(p)), raised);
    for (const c of p.conditions) out.push(h("li", {}, h("span", { class: "m" }, "•"), tier.conditions[c]));
  } else if (p.status === "needs_stronger_accountability") {
    out.push(h("li", {}, h("span", { class: "m undetermined" }, "▲"), tierNeed(p)), raised);
    out.push(h("li", {}, h("span", { class: "m" }, "→"), `Would do: ${p.models.map((m) => show(ev.accountability.fact, m)).join("; ")}.`));
  } else if (p.status === "not_in_force") {
    out.push(h("li", {}, h("span", { class: "m" }, "–"), `${cat().powers[p.id].in_force}; not in force on ${ev.as_of}.`));
  } else if (p.status === "undetermined") {
    out.push(h("li", {}, h("span", { class: "m undetermined" }, "?"), `Missing: ${p.missing.map(factTitle).join("; ")}.`));
  }
  if (p.status !== "not_in_force") {
    for (const r of p.prerequisites) {
      const step = ev.steps[r];
      if (!step || (p.status === "not_available" && step.result === "true")) continue;
      if (r === ev.negotiation.rule && step.result === "true") continue;  // said once, at the top
      const li = h("li", {}, h("span", { class: `m ${step.result}` }, MARK[step.result]), ruleText(r));
      if (step.result === "false" && step.failed.length) li.append(h("span", { class: "muted" }, ` (fails on: ${step.failed.join("; ")})`));
      out.push(li);
    }
  }
  const line = ev.unlock.find((u) => u.power === p.id);
  if (line) out.push(h("li", { class: "take" }, h("span", { class: "m" }, "→"), `What it would take: ${line.text}`));
  return h("ul", { class: "why" }, out);
}

function renderPowers(change) {
  const body = $("powers").tBodies[0];
  const changed = new Set(change ? change.powers.map((p) => p.power) : []);
  fill(body, );
  for (const p of S.ev.powers) {
    const info = cat().powers[p.id];
    const buttons = [h("button", { type: "button", class: "quiet small", onclick: () => explain(p.id) }, "Why?")];
    if (p.status !== "available" && p.status !== "not_in_force") {
      buttons.push(h("button", { type: "button", class: "small", onclick: () => unlock(p.id) }, "Unlock"));
    }
    const row = h("tr", { class: changed.has(p.id) ? "changed" : null, dataset: { power: p.id, status: p.status } },
      h("td", {}, chip(p.status)),
      h("td", {}, h("span", { class: "title" }, info.title), p.requested ? h("span", { class: "asked", title: "The place asks for it" }, "asked for") : null,
        h("div", { class: "id" }, p.id)),
      h("td", { class: "reasons" }, whyLines(p)),
      h("td", { class: "actions" }, buttons));
    body.append(row);
  }
}

function renderChanges(change, before, previous) {
  const out = $("changes-body");
  if (!change || !before) {
    fill(out, h("p", { class: "muted" }, "Change a fact or the date to see what changes, and why."));
    return;
  }
  const settings = [];
  if (before.as_of !== S.last.as_of) settings.push(`as of ${before.as_of} → ${S.last.as_of}`);
  const names = new Set([...Object.keys(before.set), ...Object.keys(S.last.set)]);
  for (const n of names) {
    const a = before.set[n]; const b = S.last.set[n];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const old = previous && previous.facts[n] ? previous.facts[n].value : null;
    const now = S.ev.facts[n] ? S.ev.facts[n].value : null;
    settings.push(`${factTitle(n)}: ${show(n, old)} → ${show(n, now)}`);
  }
  const items = [];
  const step = (s) => {
    const bits = [];
    if (s.result) bits.push(`${s.result[0] || "none"} → ${s.result[1] || "none"}`);
    for (const [k, [a, b]] of Object.entries(s.facts || {})) bits.push(`${factTitle(k)} ${show(k, a)} → ${show(k, b)}`);
    for (const [k, [a, b]] of Object.entries(s.parameters || {})) bits.push(`${k} ${a} → ${b}`);
    return h("li", { class: "because" }, `rule whose truth changed: ${ruleText(s.rule)} (${bits.join("; ")})`);
  };
  // the inputs that make the difference (found by changing one input at a time), then the rules whose truth changed
  const causes = (list) => {
    if (!list || !list.length) return;
    if (list.some((c) => c.found === "together")) items.push(h("li", { class: "because" }, `because, together: ${list.map((c) => c.text).join("; ")}`));
    else list.forEach((c) => items.push(h("li", { class: "because" }, `because ${c.text}`)));
  };
  const yesno = (v) => (v === true ? "eligible" : v === false ? "not eligible" : "undetermined");
  if (change.note) items.push(h("li", { class: "muted" }, `Causes not given: ${change.note}.`));
  if (change.eligible) {
    items.push(h("li", {}, `Negotiation: ${yesno(change.eligible[0])} → ${yesno(change.eligible[1])}`));
    causes(change.eligibility_causes);
    change.eligibility_rules.forEach((s) => items.push(step(s)));
  }
  if (change.current_tier) {
    items.push(h("li", {}, `The place's accountability: ${tierText(change.current_tier[0], true)} → ${tierText(change.current_tier[1], true)}`));
    causes(change.current_tier_causes);
  }
  if (change.package_tier) {
    items.push(h("li", {}, `The package needs: ${tierText(change.package_tier[0])} → ${tierText(change.package_tier[1])}`));
    causes(change.package_causes);
    change.package_rules.forEach((s) => items.push(step(s)));
  }
  for (const p of change.powers) {
    const li = h("li", { dataset: { power: p.power } }, h("strong", {}, powerTitle(p.power)), ": ");
    if (p.status) li.append(p.status[0] ? chip(p.status[0]) : "none", h("span", { class: "arrow" }, " → "), p.status[1] ? chip(p.status[1]) : "none");
    if (p.required_tier) li.append(` needs ${tierText(p.required_tier[0])} → ${tierText(p.required_tier[1])}`);
    items.push(li);
    causes(p.causes);
    p.rules.forEach((s) => items.push(step(s)));
  }
  if (change.readiness) {
    items.push(h("li", {}, `Readiness score: ${change.readiness[0] ?? "none"} → ${change.readiness[1] ?? "none"}`));
    causes(change.readiness_causes);
    (change.readiness_rules || []).forEach((s) => items.push(step(s)));
  }
  for (const [k, [a, b]] of Object.entries(change.budget)) {
    items.push(budgetLine(k, a, b));
    causes((change.budget_causes || {})[k]);
  }
  fill(out, 
    settings.length ? h("p", { class: "settings" }, `You changed ${settings.join("; ")}.`) : null,
    items.length ? h("ul", { class: "changes" }, items)
      : h("p", {}, "Nothing changes: no power, tier, eligibility or budget figure."));
}

function budgetLine(key, a, b) {
  const [scope, what] = key.includes(".") ? key.split(".", 2) : [null, key];
  const sc = scope && S.ev.budget ? S.ev.budget.scopes.find((x) => x.id === scope) : null;
  const label = `Budget${sc ? `, ${sc.title}` : ""}: ${what.replace(/_/g, " ")}`;
  if (what === "status") return h("li", {}, `${label}: `, a ? chip(a) : "none", h("span", { class: "arrow" }, " → "), b ? chip(b) : "none");
  const money = (v) => (typeof v === "number" ? v.toLocaleString("en-GB") : v ?? "none");
  return h("li", {}, `${label}: ${money(a)} → ${money(b)}`);
}

function renderCollect() {
  const list = S.ev.facts_to_collect;
  const body = $("collect-body");
  $("start-interview").disabled = !list.length;
  if (!list.length) {
    fill(body, h("p", { class: "muted" }, S.ev.missing_facts.length
      ? "The unknown facts settle nothing on their own." : "Nothing is undetermined: every conclusion is settled."));
    return;
  }
  fill(body, h("ol", { class: "collect" }, list.map((f) => h("li", { dataset: { fact: f.fact } },
    h("strong", {}, f.title), h("span", { class: "name" }, ` (${f.fact})`),
    f.settles.length ? h("div", {}, `settles, whatever its value: ${f.settles.map(conclusion).join("; ")}`) : null,
    f.may_settle.length ? h("div", { class: "muted" }, `may settle: ${f.may_settle.map(conclusion).join("; ")}`) : null))));
}

// --- the interview: the missing facts one at a time, the one that settles most first -----------------------
function startInterview() {
  S.interview = { skipped: new Set(), asked: 0 };
  renderInterview();
  $("interview").scrollIntoView({ block: "nearest" });
}

function renderInterview() {
  const box = $("interview");
  if (!S.interview) { box.hidden = true; return; }
  box.hidden = false;
  const next = S.ev.facts_to_collect.find((f) => !S.interview.skipped.has(f.fact) && S.facts[f.fact]);
  const stop = h("button", { type: "button", class: "quiet", onclick: () => { S.interview = null; renderInterview(); } }, "Stop the interview");
  if (!next) {
    fill(box, h("h2", {}, "Interview"), h("p", {}, S.ev.facts_to_collect.length
      ? "No more questions: the facts left are ones you did not know."
      : "No more questions: no unknown fact would settle anything still undetermined."), h("div", { class: "buttons" }, stop));
    return;
  }
  const f = S.facts[next.fact];
  const id = `iv-${f.name}`;
  const ctl = control(f, id, (v) => {
    S.interview.asked += 1;
    if (v === null) S.interview.skipped.add(f.name); else S.set[f.name] = v;
    fill(box, h("h2", {}, "Interview"), h("p", { class: "muted" }, "Evaluating again…"));
    schedule();
  });
  ctl.set(undefined);
  const skip = h("button", { type: "button", class: "quiet", onclick: () => { S.interview.skipped.add(f.name); renderInterview(); } }, "I don't know: next question");
  fill(box, 
    h("h2", {}, `Interview: question ${S.interview.asked + 1}`),
    h("p", { class: "q", id: "interview-question", dataset: { fact: f.name } }, f.title),
    f.description ? h("p", { class: "muted" }, f.description) : null,
    h("p", { class: "muted" }, next.settles.length
      ? `It settles, whatever the answer: ${next.settles.map(conclusion).join("; ")}.`
      : `It may settle: ${next.may_settle.map(conclusion).join("; ")}.`),
    h("div", { class: "control" }, ctl.el), h("div", { class: "buttons" }, skip, stop));
  if (ctl.focus) ctl.focus.focus({ preventScroll: true });
}

// --- explain and unlock, on demand ------------------------------------------------------------------------
function detailRow(powerId, ...content) {
  const row = document.querySelector(`#powers tr[data-power="${CSS.escape(powerId)}"]`);
  if (!row) return;
  const old = row.nextElementSibling;
  if (old && old.classList.contains("detail")) old.remove();
  const close = h("button", { type: "button", class: "quiet small", onclick: () => detail.remove() }, "Close");
  const detail = h("tr", { class: "detail", dataset: { for: powerId } }, h("td", { colspan: 4 }, h("div", { class: "card-head" }, content[0], close), content.slice(1)));
  row.after(detail);
}

function chainView(c) {
  const facts = Object.entries(c.facts || {}).filter(([n]) => !n.endsWith("@months"))
    .map(([n, fv]) => `${factTitle(n)}: ${fv ? show(n, fv.value) : "unknown"}`);
  return h("div", { class: "chain" },
    h("p", {}, h("span", { class: `m ${c.result}` }, MARK[c.result]), " ", c.statement,
      c.tier ? h("span", { class: "muted" }, ` (raises the tier to ${tierText(c.tier)})`) : null),
    facts.length ? h("p", { class: "muted" }, `facts: ${facts.join("; ")}`) : null,
    c.missing.length ? h("p", {}, `missing: ${c.missing.map(factTitle).join("; ")}`) : null,
    c.failed.length ? h("p", {}, `fails on: ${c.failed.join("; ")}`) : null,
    h("p", { class: "src" }, `source: ${cite(c.source)} · ${c.where} · ${c.in_force}`),
    c.because.map(chainView));
}

async function explain(powerId) {
  try {
    const x = await api("POST", "/api/explain", request({ power: powerId }));
    detailRow(powerId, h("h3", {}, `Why: ${x.power_info.title}`),
      h("p", {}, x.power_info.statement), h("p", { class: "src" }, `source: ${cite(x.power_info.source)}`),
      h("p", {}, `Needs ${tierText(x.power.required_tier, true)}; the place's model: ${x.model ? show(S.vocab.model_fact, x.model.value) : "unknown"} (${tierText(x.current_tier, true)}).`),
      x.prerequisites.length ? [h("h3", {}, "What it requires"), x.prerequisites.map(chainView)] : null,
      x.requirements.length ? [h("h3", {}, "What raises the tier it needs"), x.requirements.map(chainView)] : null);
  } catch (e) { showErrors(e.errors || [String(e)]); }
}

async function unlock(powerId) {
  try {
    const u = await api("POST", "/api/unlock", request({ power: powerId, answers: 3 }));
    const parts = [h("h3", {}, `What would it take: ${powerTitle(powerId)}`)];
    if (u.already) parts.push(h("p", {}, "Nothing: it is available already."));
    else if (u.answers.length) {
      parts.push(h("p", {}, "The cheapest sets of the pack's declared moves (each minimal: no smaller set does it):"));
      parts.push(h("ol", { class: "answers" }, u.answers.map((a) => h("li", {},
        h("strong", {}, a.moves.map((m) => m.title).join(" + ")), h("span", { class: "muted" }, `  cost ${a.cost}; about ${a.months} months`),
        h("ul", {}, a.moves.map((m) => h("li", { class: "muted" }, m.note))),
        Object.keys(a.outcome).length ? [h("div", {}, "Then:"), h("ul", { class: "outcome" }, Object.entries(a.outcome).map(([p, [x, y]]) =>
          h("li", {}, `${powerTitle(p)}: `, chip(x), h("span", { class: "arrow" }, " → "), chip(y))))] : null))));
    } else {
      parts.push(h("p", {}, "No set of the pack's declared moves unlocks it, because:"),
        h("ul", {}, u.why_not.map((r) => h("li", {}, r))));
    }
    if (u.incomplete) parts.push(h("p", { class: "warn" }, `Not a complete search: ${u.incomplete}.`));
    for (const change of u.changes_ahead || []) parts.push(h("p", { class: "warn" }, `Ahead: ${change}.`));
    if (u.join.length) {
      parts.push(h("p", {}, `Below the negotiation level, it could ${u.join_move.title.toLowerCase()}. Groupings that would reach it:`),
        h("ul", {}, u.join.map((o) => h("li", {}, `${o.how}: ${o.names.join(", ")}; population ${o.population ? o.population.toLocaleString("en-GB") : "unknown"} (${o.population_year} Census)`))));
    }
    detailRow(powerId, ...parts);
  } catch (e) { showErrors(e.errors || [String(e)]); }
}

// --- choosing a pack, a place, a date; a new place ------------------------------------------------------------
async function loadPack(packId) {
  S.pack = packId;
  const [vocab, places] = await Promise.all([
    api("GET", `/api/vocabulary?pack=${encodeURIComponent(packId)}`),
    api("GET", `/api/places?pack=${encodeURIComponent(packId)}`),
  ]);
  S.vocab = vocab;
  S.facts = Object.fromEntries(vocab.facts.map((f) => [f.name, f]));
  S.places = places;
  const sel = $("place");
  sel.replaceChildren(...places.map((p) => h("option", { value: p.id, disabled: p.errors.length ? true : null,
    title: p.errors.join("\n") || null }, p.errors.length ? `${p.name} (cannot be read)` : p.name)));
  buildForm();
  $("legend").replaceChildren(...Object.keys(STATUS).map(chip));
  $("rulebook").href = `/doc/${encodeURIComponent(packId)}/index.html`;
  await loadRounds(packId);
}

async function loadRounds(packId) {
  // the round configs dated in this pack's time: a 2011 round is not offered with the 2026 pack
  S.rounds = await api("GET", `/api/rounds?pack=${encodeURIComponent(packId)}`);
  $("round-config").replaceChildren(...S.rounds.map((r) => h("option", { value: r.id }, `${r.name} (${r.date})`)));
  $("round-frame").hidden = true;
  $("round-open").hidden = true;
}

function choosePlace(id) {
  S.place = id; S.profile = null; S.set = {}; S.last = null; S.ev = null; S.interview = null;
  $("place").value = id;
  for (const el of [$("save-id"), $("save-name")]) delete el.dataset.touched;
  $("save-result").hidden = true;
  schedule();
}

async function openNewPlace() {
  const dlg = $("new-dialog");
  $("new-errors").hidden = true;
  const q = new URLSearchParams();  // the councils existing on the page's date (else the pack's date of effect)
  if (S.pack) q.set("pack", S.pack);
  if (S.asOf) q.set("as_of", S.asOf);
  if (!S.councils || S.councilsQuery !== q.toString()) {
    try {
      S.councilsQuery = q.toString();
      S.councils = await api("GET", "/api/councils?" + q);
      $("councils").replaceChildren(...S.councils.map((c) => h("option", { value: c.name }, `${c.code} (${c.county || "unitary"})`)));
    } catch (e) { S.councils = []; }
  }
  dlg.showModal();
}

async function createPlace(ev) {
  ev.preventDefault();
  const byName = new Map((S.councils || []).map((c) => [c.name.toLowerCase(), c.code]));
  const members = $("new-members").value.split(",").map((s) => s.trim()).filter(Boolean)
    .map((m) => byName.get(m.toLowerCase()) || m);
  const profile = { id: $("new-id").value.trim(), name: $("new-name").value.trim(), members, sources: [$("new-source").value.trim()] };
  try {
    await api("POST", "/api/evaluate", { pack: S.pack, profile, as_of: S.asOf || null });
  } catch (e) {
    $("new-errors").replaceChildren(...(e.errors || [String(e)]).map((l) => h("div", {}, l)));
    $("new-errors").hidden = false;
    return;
  }
  $("new-dialog").close();
  const sel = $("place");
  sel.querySelector("option[data-new]")?.remove();
  sel.prepend(h("option", { value: "", dataset: { new: "1" } }, `New: ${profile.name}`));
  sel.value = "";
  S.profile = profile; S.place = null; S.set = {}; S.last = null; S.ev = null; S.interview = null;
  for (const el of [$("save-id"), $("save-name")]) delete el.dataset.touched;
  $("save-result").hidden = true;
  schedule();
}

// --- save and round -----------------------------------------------------------------------------------
async function save(ev) {
  ev.preventDefault();
  try {
    const out = await api("POST", "/api/save", request({
      id: $("save-id").value.trim(), name: $("save-name").value.trim(), fact_source: $("save-source").value.trim(),
    }));
    $("saved-yaml").value = out.yaml;
    const link = $("save-download");
    if (link.dataset.url) URL.revokeObjectURL(link.dataset.url);
    link.dataset.url = URL.createObjectURL(new Blob([out.yaml], { type: "application/yaml" }));
    link.href = link.dataset.url;
    link.download = out.file_name;
    link.textContent = `Download ${out.file_name}`;
    $("save-warnings").textContent = out.warnings.length ? "It validates, with these notes from negotiator validate:" : "It validates with no warnings.";
    fill($("save-notes"), out.warnings.map((w) => h("li", {}, w)));
    $("save-result").hidden = false;
    showErrors(null);
  } catch (e) { showErrors(e.errors || [String(e)]); }
}

function runRound(ev) {
  ev.preventDefault();
  const id = $("round-config").value;
  if (!id) return;
  const url = `/round/${encodeURIComponent(id)}.html?pack=${encodeURIComponent(S.pack)}`;
  const frame = $("round-frame");
  frame.hidden = false;
  frame.src = url;
  const link = $("round-open");
  link.href = url;
  link.hidden = false;
}

// --- start -----------------------------------------------------------------------------------------------
async function start() {
  const q = new URLSearchParams(location.search);
  try {
    S.packs = await api("GET", "/api/packs");
    const packSel = $("pack");
    packSel.replaceChildren(...S.packs.map((p) => h("option", { value: p.id }, `${p.title} (${p.id})`)));
    const pack = S.packs.find((p) => p.id === q.get("pack")) || S.packs[0];
    packSel.value = pack.id;
    await loadPack(pack.id);
    S.asOf = q.get("as_of") || pack.effective;
    $("as-of").value = S.asOf;
    const wanted = S.places.find((p) => p.id === q.get("place") && !p.errors.length) || S.places.find((p) => !p.errors.length);
    if (wanted) choosePlace(wanted.id);
  } catch (e) { showErrors(e.errors || [String(e)]); }

  $("pack").addEventListener("change", async (e) => {
    try {
      await loadPack(e.target.value);
      const p = S.packs.find((x) => x.id === e.target.value);
      S.asOf = p.effective; $("as-of").value = S.asOf;
      const first = S.places.find((x) => x.id === S.place && !x.errors.length) || S.places.find((x) => !x.errors.length);
      if (S.profile) { S.set = {}; S.last = null; schedule(); } else if (first) choosePlace(first.id);
    } catch (err) { showErrors(err.errors || [String(err)]); }
  });
  $("place").addEventListener("change", (e) => { if (e.target.value) choosePlace(e.target.value); });
  $("as-of").addEventListener("change", (e) => {
    const ok = isoDate(e.target.value);
    e.target.setCustomValidity(ok ? "" : DATE_HINT);
    if (ok) { S.asOf = e.target.value; schedule(); } else e.target.reportValidity();
  });
  $("reset").addEventListener("click", () => { S.set = {}; schedule(); });
  $("start-interview").addEventListener("click", startInterview);
  $("new-place").addEventListener("click", openNewPlace);
  $("new-cancel").addEventListener("click", () => $("new-dialog").close());
  $("new-form").addEventListener("submit", createPlace);
  $("save-form").addEventListener("submit", save);
  for (const el of [$("save-id"), $("save-name")]) el.addEventListener("input", () => { el.dataset.touched = "1"; });
  $("round-form").addEventListener("submit", runRound);
  $("pick").addEventListener("submit", (e) => e.preventDefault());
}

document.addEventListener("DOMContentLoaded", start);
