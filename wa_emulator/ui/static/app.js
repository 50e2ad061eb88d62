// wa-emulator dashboard: plain JavaScript, no library, nothing fetched from anywhere but this server.
// It reads and changes the world through the control API (fetch + JSON) and hears about changes on
// /_emulator/events (server-sent events). Each view is one entry in VIEWS: its section in index.html
// (data-view), a refresh() that redraws it from the control API, and on(event) saying which live
// events concern it. A new view adds a tab, a section and an entry.
"use strict";

const BASE = location.pathname.replace(/\/ui\/.*$/, "");  // "/_emulator"
const PAGE_SIZE = 50;
const $ = (selector, root = document) => root.querySelector(selector);
const state = { boot: null, clock: null, clockAt: 0, view: null, page: 0, selected: null, total: 0,
  held: new Map(), heldOrder: [], bin: "demo" };

// -- small helpers -------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

async function api(method, path, body) {
  const options = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(BASE + path, options);
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const message = (data && data.error && (data.error.message || data.error.code)) || response.statusText;
    throw new Error(`${method} ${path}: ${response.status} ${message}`);
  }
  return data;
}

function notify(text, ok = false) {
  const notice = $("#notice");
  notice.textContent = text;
  notice.classList.toggle("ok", ok);
  notice.hidden = !text;
  if (ok) setTimeout(() => { if (notice.textContent === text) notice.hidden = true; }, 2500);
}

// Run an action from a button or form; a refusal shows the control API's own words.
async function act(work, done) {
  try {
    const result = await work();
    if (done) notify(done, true);
    return result;
  } catch (error) {
    notify(error.message);
    return null;
  }
}

function query(params) {
  const entries = Object.entries(params).filter(([, value]) => value !== "" && value !== null && value !== undefined);
  return entries.length ? "?" + new URLSearchParams(entries).toString() : "";
}

function formData(form) {
  return Object.fromEntries(new FormData(form).entries());
}

function statusBadge(status) {
  return el("span", { class: `status status-${status}`, text: status });
}

function shortTime(iso) {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "") : "—";
}

function pretty(text) {
  if (text === null || text === undefined || text === "") return "(none)";
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

function copyButton(text, label = "Copy") {
  return el("button", {
    type: "button", class: "quiet", "aria-label": `${label}: ${text.slice(0, 60)}`, text: label,
    onclick: async (event) => {
      const button = event.currentTarget;
      try { await navigator.clipboard.writeText(text); } catch {
        // No clipboard (a plain-http host beyond localhost): select the text for Ctrl-C instead.
        const range = document.createRange();
        range.selectNodeContents(button.previousElementSibling);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
      }
      button.textContent = "Copied";
      setTimeout(() => { button.textContent = label; }, 1200);
    },
  });
}

// A live redraw replaces rows; the one a keyboard user was on keeps the focus.
function keepFocus(container, attribute, redraw) {
  const focused = document.activeElement && container.contains(document.activeElement)
    ? document.activeElement.closest(`[${attribute}]`) : null;
  const key = focused && focused.getAttribute(attribute);
  const inner = focused && focused !== document.activeElement ? document.activeElement.tagName : null;
  redraw();
  if (!key) return;
  const again = container.querySelector(`[${attribute}="${CSS.escape(key)}"]`);
  const target = again && (inner ? again.querySelector(inner) : again);
  if (target) target.focus();
}

function fillSelect(select, values) {
  for (const value of values) select.append(el("option", { value, text: value }));
}

// -- views ---------------------------------------------------------------------------------

const VIEWS = {
  messages: {
    refresh: refreshMessages,
    on: (event, data) => event === "status" || event === "message" || event === "delivery" || event === "resync"
      || (event === "changed" && ["messages", "world"].some((area) => data.areas.includes(area))),
  },
  journal: { refresh: refreshJournal, on: (event, data) => event === "resync" || (event === "changed" && data.areas.includes("journal")) },
  clock: { refresh: refreshClock, on: (event, data) => event === "resync" || (event === "changed" && data.areas.includes("clock")) },
  webhooks: {
    refresh: refreshWebhooks,
    on: (event, data) => event === "queue" || event === "delivery" || event === "resync"
      || (event === "changed" && ["holds", "world"].some((a) => data.areas.includes(a))),
  },
  bins: { refresh: refreshBins, on: (event, data) => event === "resync" || (event === "changed" && ["bins", "world"].some((a) => data.areas.includes(a))) },
  contacts: { refresh: refreshContacts, on: (event, data) => event === "message" || event === "resync" || (event === "changed" && data.areas.includes("world")) },
  faults: { refresh: refreshFaults, on: (event, data) => event === "resync" || (event === "changed" && ["faults", "world"].some((a) => data.areas.includes(a))) },
  scenarios: { refresh: refreshScenarios, on: (event, data) => event === "resync" || (event === "changed" && ["scenario", "world"].some((a) => data.areas.includes(a))) },
  credentials: { refresh: refreshCredentials, on: (event, data) => event === "resync" || (event === "changed" && data.areas.includes("world")) },
};

// Redraws are coalesced: a burst of events redraws a view once, a tenth of a second later. One view
// never has two redraws in flight, so an older answer can never be drawn over a newer one.
const pending = new Set();
const running = new Map();  // view -> whether another redraw was asked for while one runs
let pendingTimer = null;
function schedule(name) {
  pending.add(name);
  if (pendingTimer === null) {
    pendingTimer = setTimeout(() => {
      pendingTimer = null;
      const names = [...pending];
      pending.clear();
      for (const view of names) redraw(view);
    }, 100);
  }
}

async function redraw(view) {
  if (running.has(view)) { running.set(view, true); return; }
  running.set(view, false);
  try {
    await VIEWS[view].refresh();
  } catch (error) {
    notify(error.message);
  } finally {
    const again = running.get(view);
    running.delete(view);
    if (again) redraw(view);
  }
}

function show(name) {
  if (!VIEWS[name]) name = "messages";
  state.view = name;
  for (const section of document.querySelectorAll("section[data-view]")) section.hidden = section.dataset.view !== name;
  for (const tab of document.querySelectorAll("[data-tab]")) {
    if (tab.dataset.tab === name) tab.setAttribute("aria-current", "page"); else tab.removeAttribute("aria-current");
  }
  document.title = `${name[0].toUpperCase()}${name.slice(1)} · wa-emulator`;
  schedule(name);
}

// -- messages ------------------------------------------------------------------------------

function messageFilters() {
  const filters = formData($("#message-filters"));
  filters.to = (filters.to || "").trim();
  return filters;
}

async function refreshMessages() {
  const params = { ...messageFilters(), order: "newest", offset: state.page * PAGE_SIZE, limit: PAGE_SIZE };
  const list = await api("GET", "/messages" + query(params));
  state.total = list.total;
  const body = $("#messages-table tbody");
  const rows = list.data.map((message) => el("tr", {
    tabindex: "0", "data-id": message.id, "aria-selected": message.id === state.selected ? "true" : "false",
    onclick: () => openMessage(message.id),
    onkeydown: (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); openMessage(message.id); } },
  },
  // The time of day keeps the row narrow; the whole emulated date is its tooltip.
  el("td", {}, el("time", { datetime: message.created_at, title: shortTime(message.created_at), text: shortTime(message.created_at).slice(11) })),
  el("td", { text: message.provider }),
  el("td", { text: message.direction === "inbound" ? `← ${message.from}` : message.to }),
  el("td", { text: message.template ? `template ${message.template}` : message.type }),
  el("td", {}, statusBadge(message.status))));
  keepFocus(body, "data-id", () => body.replaceChildren(...rows));
  if (!rows.length) body.append(el("tr", {}, el("td", { colspan: "5", class: "hint", text: "No messages match." })));
  const first = list.total ? state.page * PAGE_SIZE + 1 : 0;
  $("#messages-range").textContent = `${first}–${state.page * PAGE_SIZE + list.count} of ${list.total}`
    + (list.evicted ? ` (${list.evicted} older forgotten)` : "");
  $("#messages-prev").disabled = state.page === 0;
  $("#messages-next").disabled = (state.page + 1) * PAGE_SIZE >= list.total;
  if (state.selected) await drawMessage(state.selected);
}

async function openMessage(id) {
  state.selected = id;
  for (const row of document.querySelectorAll("#messages-table tbody tr")) {
    row.setAttribute("aria-selected", row.dataset.id === id ? "true" : "false");
  }
  await act(() => drawMessage(id));
  if (matchMedia("(max-width: 999px)").matches) $("#message-detail").focus();
}

async function drawMessage(id) {
  const detail = $("#message-detail");
  let message;
  try {
    message = await api("GET", `/messages/${encodeURIComponent(id)}`);
  } catch (error) {
    detail.replaceChildren(el("p", { class: "hint", text: `Message ${id} is gone (${error.message}).` }));
    return;
  }
  const deliveries = await api("GET", "/webhooks/deliveries" + query({ message_id: id }));
  const start = Date.parse(message.created_at);
  const facts = el("dl", { class: "facts" },
    ...[["Id", message.id], ["Provider", message.provider], ["Direction", message.direction], ["From", message.from],
      ["To", message.to], ["Type", message.template ? `template ${message.template}` : message.type],
      ["WhatsApp id", message.wamid], ["Custom id", message.custom_id],
      ["Error", message.error && `${message.error.code} ${message.error.title}`]]
      .filter(([, value]) => value)
      .flatMap(([name, value]) => [el("dt", { text: name }), el("dd", {}, el("code", { text: value }))]));
  const timeline = el("ol", { class: "timeline", "aria-label": "Status timeline on the emulated clock" },
    ...message.history.map((change) => el("li", {}, statusBadge(change.status), " ",
      el("time", { datetime: change.at, text: `${shortTime(change.at)} (+${formatDelta(Date.parse(change.at) - start)})` }))));
  detail.replaceChildren(
    el("h3", { text: `Message to ${message.to}` }), facts,
    el("h3", { text: "Status timeline" }), timeline,
    el("h3", { text: `Webhook deliveries (${deliveries.count})` }),
    deliveries.count ? deliveries.data.map(drawDelivery) : el("p", { class: "hint", text: "No webhook deliveries (no endpoint registered, or none due yet)." }),
    message.content ? el("details", {}, el("summary", { text: "Content" }), el("div", { class: "body" }, el("pre", { text: JSON.stringify(message.content, null, 2) }))) : null,
  );
}

function formatDelta(ms) {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${seconds % 60 ? ` ${seconds % 60}s` : ""}`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60) ? ` ${Math.floor((seconds % 3600) / 60)}m` : ""}`;
  return `${Math.floor(seconds / 86400)}d ${Math.floor((seconds % 86400) / 3600)}h`;
}

function drawDelivery(delivery) {
  const attempts = delivery.attempts.map((attempt) => el("div", { class: "attempt" },
    el("p", {},
      `Attempt ${attempt.number}: `,
      el("span", { class: attempt.status_code && attempt.status_code < 300 ? "code-ok" : "code-bad",
        text: attempt.status_code === null ? (attempt.error || "no answer") : `HTTP ${attempt.status_code}` }),
      ` in ${attempt.latency_ms} ms, at ${shortTime(new Date(attempt.at * 1000).toISOString())}`),
    attempt.headers ? el("details", {}, el("summary", { text: "Headers sent (signature included)" }),
      el("div", { class: "body" }, el("pre", { text: Object.entries(attempt.headers).map(([k, v]) => `${k}: ${v}`).join("\n") }))) : null,
    el("details", {}, el("summary", { text: "Receiver's answer" }), el("div", { class: "body" }, el("pre", { text: pretty(attempt.response_body) })))));
  return el("details", { class: "delivery", open: true },
    el("summary", {}, `${delivery.event_type} `, delivery.status ? statusBadge(delivery.status) : "",
      ` → ${delivery.url} · ${delivery.state}${delivery.copy ? ` (copy ${delivery.copy})` : ""}`),
    el("div", { class: "body" },
      el("details", {}, el("summary", { text: "Body" }), el("div", { class: "body" }, el("pre", { text: pretty(delivery.body) }))),
      attempts.length ? attempts : el("p", { class: "hint", text: delivery.next_attempt_at
        ? `First attempt due at ${shortTime(new Date(delivery.next_attempt_at * 1000).toISOString())}` : "Not attempted." })));
}

// -- journal -------------------------------------------------------------------------------

async function refreshJournal() {
  const filters = formData($("#journal-filters"));
  const journal = await api("GET", "/journal" + query({ ...filters, limit: 200 }));
  const entries = journal.data.slice().reverse();
  const list = $("#journal-list");
  const open = new Set([...list.querySelectorAll("details[open]")].map((d) => d.dataset.seq));
  keepFocus(list, "data-seq", () => list.replaceChildren(...entries.map((entry) => el("details", { "data-seq": String(entry.seq), open: open.has(String(entry.seq)) },
    el("summary", {}, el("span", { class: entry.status < 400 ? "code-ok" : "code-bad", text: String(entry.status) }),
      ` ${entry.method} ${entry.path}${entry.query ? "?" + entry.query : ""} · ${entry.provider} · ${entry.duration_ms} ms · `,
      el("time", { text: shortTime(new Date(entry.at * 1000).toISOString()) })),
    el("div", { class: "body" },
      el("dl", { class: "facts" }, el("dt", { text: "Correlation id" }), el("dd", {}, el("code", { text: entry.correlation_id || "—" })),
        el("dt", { text: "Sequence" }), el("dd", { text: String(entry.seq) }),
        entry.outcome ? [el("dt", { text: "Outcome" }), el("dd", { text: entry.outcome })] : null),
      el("h4", { text: "Request body" }), el("pre", { text: pretty(entry.request_body) }),
      el("h4", { text: "Response body" }), el("pre", { text: pretty(entry.response_body) }))))));
  if (!entries.length) list.append(el("p", { class: "hint", text: "No API calls yet." }));
}

// -- clock ---------------------------------------------------------------------------------

function setClock(clock) {
  state.clock = clock;
  state.clockAt = performance.now();
  drawClockNow();
  $("#header-mode").textContent = clock.mode + (clock.factor ? ` ×${clock.factor}` : "");
  $("#clock-facts").replaceChildren(
    el("dt", { text: "Now" }), el("dd", {}, el("time", { id: "clock-now", datetime: clock.now, text: shortTime(clock.now) })),
    el("dt", { text: "Mode" }), el("dd", { id: "clock-mode", text: clock.mode + (clock.factor ? ` (×${clock.factor})` : "") }),
    el("dt", { text: "Started at" }), el("dd", { text: shortTime(clock.started_at) }),
    el("dt", { text: "Timers pending" }), el("dd", { text: String(clock.pending_timers) }));
  // A live update must not undo what a person is choosing: the form follows the clock only while untouched.
  const form = $("#mode-form");
  if (!form.dataset.touched) form.elements.mode.value = clock.mode;
}

// Between events, a running clock is drawn from its last reading; a manual one stands still.
function drawClockNow() {
  const clock = state.clock;
  if (!clock) return;
  const rate = clock.mode === "manual" ? 0 : (clock.factor || 1);
  const now = new Date(clock.epoch * 1000 + (performance.now() - state.clockAt) * rate).toISOString();
  $("#header-now").textContent = shortTime(now);
  $("#header-now").setAttribute("datetime", now);
  const big = $("#clock-now");
  if (big && rate) big.textContent = shortTime(now);
}

async function refreshClock() {
  setClock(await api("GET", "/clock"));
}

async function advance(seconds) {
  const clock = await act(() => api("POST", "/clock/advance", { seconds }), `Advanced ${seconds}`);
  if (clock) setClock(clock);
}

// -- webhooks: holds and the held queue ---------------------------------------------------

const emulated = (seconds) => shortTime(new Date(seconds * 1000).toISOString());

function holdScope(hold) {
  const scope = Object.entries(hold.scope);
  return scope.length ? scope.map(([name, value]) => `${name.replace("_", " ")} ${value}`).join(", ") : "every webhook";
}

async function refreshWebhooks() {
  const queue = await api("GET", "/webhooks/held");
  const holds = $("#holds-list");
  keepFocus(holds, "data-hold", () => holds.replaceChildren(...queue.holds.map((hold) => el("div", { class: "copyline", "data-hold": hold.id },
    el("code", { text: `${hold.id}: ${holdScope(hold)} · since ${emulated(hold.created_at)}` }),
    el("button", { type: "button", class: "quiet", "aria-label": `Stop hold ${hold.id} (${holdScope(hold)})`, text: "Stop",
      onclick: () => change(() => api("DELETE", `/webhooks/hold/${encodeURIComponent(hold.id)}`), `Stopped ${hold.id}`, "webhooks") })))));
  if (!queue.holds.length) holds.append(el("p", { class: "hint", text: "No hold in force: webhooks go out as they fall due." }));
  $("#holds-stop").disabled = !queue.holds.length;
  // The person's order survives live redraws: ids still held keep their place, newly held ones join the end.
  state.held = new Map(queue.data.map((item) => [item.id, item]));
  state.heldOrder = state.heldOrder.filter((id) => state.held.has(id));
  for (const item of queue.data) if (!state.heldOrder.includes(item.id)) state.heldOrder.push(item.id);
  drawHeld();
}

function heldLabel(item) {
  return `${item.status || item.event_type}${item.copy ? ` (copy ${item.copy})` : ""} of ${item.message_id || item.event_id}`;
}

function drawHeld(focus) {
  const list = $("#held-list");
  const open = new Set([...list.querySelectorAll("details[open]")].map((d) => d.closest("[data-id]").dataset.id));
  const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement : null;
  focus = focus || (focused && focused.dataset.act ? { id: focused.closest("[data-id]").dataset.id, act: focused.dataset.act } : null);
  const last = state.heldOrder.length - 1;
  list.replaceChildren(...state.heldOrder.map((id, index) => {
    const item = state.held.get(id);
    const label = heldLabel(item);
    const button = (act, text, onclick, attrs = {}) => el("button", { type: "button", "data-act": act, "aria-label": `${text}: ${label}`, text, onclick, ...attrs });
    return el("li", { "data-id": id, "data-status": item.status || "", "data-copy": String(item.copy) },
      el("p", { class: "queue-head" }, el("strong", { text: `${index + 1}. ${item.provider}` }), ` ${item.event_type} `,
        item.status ? statusBadge(item.status) : "", item.copy ? ` copy ${item.copy}` : "",
        el("span", { class: "hint" }, ` · held at ${emulated(item.held_at)}${item.hold_id ? ` by ${item.hold_id}` : ""}`
          + (item.attempts ? ` · ${item.attempts} attempts before` : ""))),
      el("p", { class: "queue-facts" }, "Message ", el("code", { text: item.message_id || item.event_id }),
        " → ", el("code", { text: item.url }), item.endpoint_id ? [" (endpoint ", el("code", { text: item.endpoint_id }), ")"] : null),
      el("div", { class: "row" },
        button("up", "Move up", () => move(id, -1, "up"), { class: "quiet", disabled: index === 0 }),
        button("down", "Move down", () => move(id, 1, "down"), { class: "quiet", disabled: index === last }),
        button("release", "Release", () => change(() => api("POST", "/webhooks/release", { ids: [id] }), `Released ${label}`, "webhooks")),
        button("drop", "Drop", () => change(() => api("POST", "/webhooks/drop", { ids: [id] }), `Dropped ${label}`, "webhooks"), { class: "quiet" }),
        button("duplicate", "Duplicate", () => change(() => api("POST", "/webhooks/duplicate", { ids: [id] }), `Duplicated ${label}`, "webhooks"), { class: "quiet" })),
      el("details", { open: open.has(id) }, el("summary", { text: "Body" }), el("div", { class: "body" }, el("pre", { text: pretty(item.body) }))));
  }));
  if (!state.heldOrder.length) list.append(el("li", { class: "hint", text: "Nothing held." }));
  for (const id of ["held-release-order", "held-release-all", "held-drop-all"]) $("#" + id).disabled = !state.heldOrder.length;
  if (focus) {
    const row = list.querySelector(`[data-id="${CSS.escape(focus.id)}"]`);
    const target = row && (row.querySelector(`[data-act="${focus.act}"]:not([disabled])`) || row.querySelector("[data-act]:not([disabled])"));
    if (target) target.focus();
  }
}

// Moving changes only the page's order (nothing is sent until a release); the moved one keeps the focus.
function move(id, by, act) {
  const from = state.heldOrder.indexOf(id);
  const to = from + by;
  if (from < 0 || to < 0 || to >= state.heldOrder.length) return;
  state.heldOrder.splice(from, 1);
  state.heldOrder.splice(to, 0, id);
  drawHeld({ id, act });
  notify(`${heldLabel(state.held.get(id))} is now number ${to + 1}`, true);
}

async function change(work, done, view) {
  await act(work, done);
  schedule(view);
}

function holdBody(form) {
  const data = formData(form);
  const value = (data.value || "").trim();
  if (data.scope === "all") return {};
  if (!value) throw new Error(`Say which ${data.scope.replace("_", " ")} to hold.`);
  return { [data.scope]: value };
}

// -- request bins --------------------------------------------------------------------------

const binUrl = (name) => `${location.origin}${BASE}/bin/${encodeURIComponent(name)}`;

function registration(provider, url) {
  const request = provider.webhook_registration;
  const body = JSON.parse(JSON.stringify(request.body).replaceAll("{bin_url}", url));
  return { url: location.origin + request.base_path + request.path, headers: request.headers, body };
}

function drawBinHelper() {
  const url = binUrl(state.bin);
  const lines = state.boot.providers.filter((p) => p.webhook_registration).map((provider) => {
    const request = registration(provider, url);
    const line = curlOf(request.url, request.headers, request.body);
    return el("div", { "data-provider": provider.name },
      el("h4", { text: `Register it as a ${provider.name} webhook destination` }),
      el("div", { class: "copyline" }, el("pre", { text: line }), copyButton(line)),
      el("p", {}, el("button", { type: "button", class: "quiet", "data-register": provider.name, text: `Register with ${provider.name} now`,
        onclick: () => act(async () => {
          const response = await fetch(request.url, { method: "POST", headers: request.headers, body: JSON.stringify(request.body) });
          if (!response.ok) throw new Error(`${provider.name} refused the registration: ${response.status} ${await response.text()}`);
        }, `${provider.name} now sends its webhooks to ${url}`) })));
  });
  const open = $("#bin-helper details[open]") !== null;
  $("#bin-helper").replaceChildren(
    el("div", { class: "copyline" }, el("span", { text: "Register this URL as a webhook destination:" }),
      el("code", { id: "bin-url", text: url }), copyButton(url)),
    el("details", { open }, el("summary", { text: "Register it with a provider: a curl line, or one click" }),
      el("div", { class: "body" }, ...lines)));
}

function signatureBadge(signature) {
  const result = signature ? signature.result : "unknown sender";
  return el("span", { class: `sig sig-${signature ? signature.result : "none"}`, text: `signature ${result}` });
}

async function refreshBins() {
  const [bins, kept] = await Promise.all([api("GET", "/bin"), api("GET", `/bin/${encodeURIComponent(state.bin)}`)]);
  const names = bins.data.map((b) => b.name);
  if (!names.includes(state.bin)) names.push(state.bin);
  const counts = Object.fromEntries(bins.data.map((b) => [b.name, b.count]));
  const list = $("#bins-list");
  keepFocus(list, "data-bin", () => list.replaceChildren(...names.map((name) => el("button", {
    type: "button", class: name === state.bin ? null : "quiet", "data-bin": name, "aria-pressed": name === state.bin ? "true" : "false",
    text: `${name} (${counts[name] || 0})`, onclick: () => chooseBin(name),
  }))));
  drawBinHelper();
  $("#h-receipts").textContent = `Received by ${state.bin} (${kept.count})`;
  const receipts = $("#bin-receipts");
  const open = new Set([...receipts.querySelectorAll("details[open]")].map((d) => d.dataset.seq));
  keepFocus(receipts, "data-seq", () => receipts.replaceChildren(...kept.data.slice().reverse().map((receipt) => el("details", {
    "data-seq": String(receipt.seq), "data-signature": receipt.signature ? receipt.signature.result : "", open: open.has(String(receipt.seq)),
  },
  el("summary", {}, `#${receipt.seq} ${receipt.method} from ${receipt.provider || "an unknown sender"} `, signatureBadge(receipt.signature),
    ` · `, el("time", { text: emulated(receipt.received_at) })),
  el("div", { class: "body" },
    el("dl", { class: "facts" },
      ...[["Signature", receipt.signature && receipt.signature.detail], ["Endpoint", receipt.signature && receipt.signature.endpoint_id],
        ["Path", receipt.path + (receipt.query ? `?${receipt.query}` : "")],
        ["Size", `${receipt.size} bytes${receipt.truncated ? " (kept the start)" : ""}`]]
        .filter(([, value]) => value)
        .flatMap(([name, value]) => [el("dt", { text: name }), el("dd", {}, el("code", { text: value }))])),
    el("h4", { text: "Headers" }), el("pre", { text: Object.entries(receipt.headers).map(([k, v]) => `${k}: ${v}`).join("\n") }),
    el("h4", { text: "Body" }), el("pre", { text: pretty(receipt.body) }))))));
  if (!kept.count) receipts.append(el("p", { class: "hint", text: `Nothing received yet. Point a webhook at ${binUrl(state.bin)}.` }));
  $("#bin-clear").disabled = !kept.count;
}

function chooseBin(name) {
  state.bin = name;
  $("#bin-form").elements.name.value = name;
  schedule("bins");
}

// -- contacts ------------------------------------------------------------------------------

async function refreshContacts() {
  const contacts = await api("GET", "/contacts");
  const flag = (contact, name) => el("td", {}, el("input", {
    type: "checkbox", checked: contact[name], "aria-label": `${name.replace("_", " ")} for ${contact.phone}`,
    onchange: (event) => act(() => api("PUT", `/contacts/${encodeURIComponent(contact.phone)}`, { [name]: event.target.checked }),
      `${contact.phone}: ${name.replace("_", " ")} ${event.target.checked ? "on" : "off"}`),
  }));
  $("#contacts-table tbody").replaceChildren(...contacts.data.map((contact) => el("tr", {},
    el("td", {}, el("code", { text: contact.phone })), el("td", { text: contact.name || "" }),
    flag(contact, "read_receipts"), flag(contact, "online"), flag(contact, "on_whatsapp"),
    el("td", { text: shortTime(contact.last_inbound) }))));
}

// -- faults --------------------------------------------------------------------------------

async function refreshFaults() {
  const faults = await api("GET", "/faults");
  const list = $("#faults-list");
  list.replaceChildren(...faults.data.map((fault) => el("div", { class: "copyline" },
    el("code", { text: `${fault.id}: ${fault.method || "any method"} ${fault.provider || "any provider"} ${fault.path}`
      + (fault.status ? ` → ${fault.status}` : "") + (fault.drop ? " → drop" : "") + (fault.latency ? ` +${fault.latency}s` : "")
      + (fault.times ? ` (${fault.times} times)` : "") + ` · fired ${fault.fired} of ${fault.calls} calls` }),
    el("button", { type: "button", class: "quiet", "aria-label": `Remove fault ${fault.id}`, text: "Remove",
      onclick: async () => { await act(() => api("DELETE", `/faults/${encodeURIComponent(fault.id)}`), `Removed ${fault.id}`); schedule("faults"); } }))));
  if (!faults.data.length) list.append(el("p", { class: "hint", text: "No faults in force." }));
}

function faultBody(form) {
  const data = formData(form);
  const body = {};
  for (const name of ["provider", "method", "path", "latency"]) if (data[name]) body[name] = data[name];
  for (const name of ["status", "times"]) if (data[name]) body[name] = Number(data[name]);
  if (data.drop) body.drop = true;
  return body;
}

// -- scenarios -----------------------------------------------------------------------------

async function refreshScenarios() {
  const current = await api("GET", "/scenario");
  $("#scenario-current").replaceChildren(el("p", {}, "In force: ",
    el("strong", { id: "scenario-name", text: current.name || "none" }), current.description ? ` — ${current.description}` : ""));
  $("#scenario-list").replaceChildren(...state.boot.scenarios.map((scenario) => el("li", { class: scenario.name === current.name ? "current" : null },
    el("h4", { text: scenario.name }), el("p", { class: "hint", text: scenario.description || "" }),
    el("button", { type: "button", "aria-label": `Load scenario ${scenario.name}`, text: scenario.name === current.name ? "Load again" : "Load",
      onclick: async () => { await act(() => api("POST", "/scenario", { name: scenario.name }), `Loaded ${scenario.name}`); schedule("scenarios"); } }))));
}

// -- credentials ---------------------------------------------------------------------------

function curlLine(example) {
  return curlOf(location.origin + example.base_path + example.path, example.headers, example.body);
}

function curlOf(url, headers, body) {
  const flags = Object.entries(headers).map(([k, v]) => ` \\\n  -H '${k}: ${v}'`).join("");
  return `curl -s ${url}${flags} \\\n  -d '${JSON.stringify(body)}'`;
}

async function refreshCredentials() {
  const credentials = await api("GET", "/credentials");
  $("#access-line").textContent = `Control API access: ${state.boot.control_access}`;
  $("#credentials-list").replaceChildren(...state.boot.providers.map((provider) => {
    const found = credentials[provider.name] || {};
    const base = location.origin + provider.base_path;
    const keys = (found.organizations || []).flatMap((org) => (org.keys || []).map((key) => el("div", { class: "copyline" },
      el("code", { text: key.secret }), copyButton(key.secret),
      el("span", { class: "hint", text: `${org.name} · ${key.name}${key.revoked ? " (revoked)" : ""}` }))));
    return el("details", { open: true, "data-provider": provider.name },
      el("summary", {}, el("strong", { text: provider.name }), ` · ${found.auth || ""}`),
      el("div", { class: "body" },
        el("h4", { text: "Base URL" }), el("div", { class: "copyline" }, el("code", { text: base }), copyButton(base)),
        el("h4", { text: "Keys" }), keys,
        provider.example ? [el("h4", { text: "Send a message" }),
          el("div", { class: "copyline" }, el("pre", { text: curlLine(provider.example) }), copyButton(curlLine(provider.example)))] : null,
        el("details", {}, el("summary", { text: "Everything the control API lists" }),
          el("div", { class: "body" }, el("pre", { text: JSON.stringify(found, null, 2) })))));
  }));
}

// -- live feed -----------------------------------------------------------------------------

function connect() {
  const live = $("#live");
  const source = new EventSource(BASE + "/events");
  // A browser allows six connections per host: a page left (or kept in the back-forward cache) gives its stream back.
  addEventListener("pagehide", () => source.close(), { once: true });
  addEventListener("pageshow", (event) => { if (event.persisted) connect(); }, { once: true });
  const handle = (event) => (message) => {
    const data = message.data ? JSON.parse(message.data) : {};
    if (event === "changed" && data.areas.includes("clock")) refreshClock().catch(() => {});
    if (event === "status" || event === "resync") refreshClock().catch(() => {});  // a status may follow an advance
    const view = VIEWS[state.view];
    if (view && view.on(event, data)) schedule(state.view);
  };
  source.addEventListener("open", () => { live.dataset.state = "live"; live.textContent = "live"; });
  source.addEventListener("error", () => { live.dataset.state = "offline"; live.textContent = "reconnecting…"; });
  for (const event of ["status", "message", "delivery", "queue", "changed", "resync"]) source.addEventListener(event, handle(event));
  // After a reconnect the page may have missed anything: redraw once the stream says hello.
  source.addEventListener("hello", () => { if (state.view) schedule(state.view); refreshClock().catch(() => {}); });
}

// -- start ---------------------------------------------------------------------------------

async function start() {
  state.boot = await api("GET", "/ui/boot.json");
  const providers = state.boot.providers.map((p) => p.name);
  for (const select of document.querySelectorAll("select[name=provider]")) fillSelect(select, providers);
  fillSelect($("#message-filters [name=status]"), ["queued", "sent", "received", "delivered", "read", "failed", "expired"]);

  $("#message-filters").addEventListener("submit", (event) => { event.preventDefault(); state.page = 0; schedule("messages"); });
  $("#message-filters").addEventListener("change", () => { state.page = 0; schedule("messages"); });
  $("#messages-prev").addEventListener("click", () => { state.page = Math.max(0, state.page - 1); schedule("messages"); });
  $("#messages-next").addEventListener("click", () => { state.page += 1; schedule("messages"); });
  $("#journal-filters").addEventListener("submit", (event) => { event.preventDefault(); schedule("journal"); });
  for (const button of document.querySelectorAll("[data-advance]")) {
    button.addEventListener("click", () => advance(button.dataset.advance));
  }
  $("#advance-form").addEventListener("submit", (event) => { event.preventDefault(); advance(formData(event.target).seconds.trim()); });
  for (const kind of ["input", "change"]) {
    $("#mode-form").addEventListener(kind, (event) => { event.currentTarget.dataset.touched = "1"; });
  }
  $("#mode-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = formData(event.target);
    const body = { mode: data.mode };
    if (data.mode === "scaled") body.factor = Number(data.factor || 60);
    const clock = await act(() => api("POST", "/clock/mode", body), `Clock now ${data.mode}`);
    delete event.target.dataset.touched;
    if (clock) setClock(clock);
  });
  $("#contact-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const body = Object.fromEntries(["read_receipts", "online", "on_whatsapp"].map((name) => [name, form.elements[name].checked]));
    const phone = form.elements.phone.value.trim();
    await act(() => api("PUT", `/contacts/${encodeURIComponent(phone)}`, body), `Saved ${phone}`);
    schedule("contacts");
  });
  $("#inbound-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = formData(event.target);
    await act(() => api("POST", "/inbound", { provider: data.provider, from: data.from.trim(), text: data.text }),
      `${data.from} wrote in; their 24-hour window is open`);
    schedule("contacts");
  });
  $("#fault-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    await act(() => api("POST", "/faults", faultBody(event.target)), "Fault added");
    schedule("faults");
  });
  $("#faults-clear").addEventListener("click", async () => { await act(() => api("DELETE", "/faults"), "Every fault removed"); schedule("faults"); });

  fillSelect($("#hold-providers"), providers);
  $("#hold-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    await change(async () => {
      const hold = await api("POST", "/webhooks/hold", holdBody(event.target));
      event.target.elements.value.value = "";
      return hold;
    }, "Hold added", "webhooks");
  });
  $("#holds-stop").addEventListener("click", () => change(() => api("DELETE", "/webhooks/hold"), "Every hold stopped; what is held stays held", "webhooks"));
  $("#held-release-order").addEventListener("click", () => change(() => api("POST", "/webhooks/release", { ids: [...state.heldOrder] }),
    `Released ${state.heldOrder.length} in the order shown`, "webhooks"));
  $("#held-release-all").addEventListener("click", () => change(() => api("POST", "/webhooks/release", {}), "Released all as held", "webhooks"));
  $("#held-drop-all").addEventListener("click", () => change(() => api("POST", "/webhooks/drop", {}), "Dropped every held webhook", "webhooks"));
  $("#bin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    chooseBin(formData(event.target).name.trim());
  });
  $("#bin-clear").addEventListener("click", () => change(() => api("DELETE", `/bin/${encodeURIComponent(state.bin)}`), `Emptied ${state.bin}`, "bins"));

  addEventListener("hashchange", () => show(location.hash.slice(1)));
  setInterval(drawClockNow, 1000);
  show(location.hash.slice(1));
  connect();
}

start().catch((error) => notify(`The dashboard could not start: ${error.message}`));
