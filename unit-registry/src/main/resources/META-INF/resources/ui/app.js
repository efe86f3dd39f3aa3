// The registry's operator UI: plain browser JavaScript over /api/v1, no framework, no CDN.
'use strict';

const API = '/api/v1';
const state = { current: null, units: [], history: [], validateTimer: null, markedLines: [], healthReading: 0 };
const $ = (id) => document.getElementById(id);

// What "New unit" starts with: a unit that changes nothing even when enabled by mistake (the
// seed's token check blocked every request when saved as is), and new units start disabled.
const TEMPLATE = "-- Lua with OpenResty's ngx API. New units start disabled: dry-run, then enable.\n"
  + "-- As written, this unit only logs the request and changes nothing.\n"
  + "ngx.log(ngx.INFO, 'unit saw ', ngx.var.request_method, ' ', ngx.var.uri)\n";

const editor = CodeMirror($('code-editor'), {
  mode: 'lua', lineNumbers: true, indentUnit: 2, tabSize: 2, value: TEMPLATE,
});
window.unitEditor = editor;

function token() { return sessionStorage.getItem('registry-token') || ''; }

function message(text, kind) {
  const m = $('message');
  m.textContent = text || '';
  m.className = text ? (kind || 'info') : '';
}

async function api(method, path, body, headers) {
  const options = { method, headers: Object.assign({ 'Authorization': 'Bearer ' + token() }, headers || {}) };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(API + path, options);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
  if (!response.ok) {
    const problems = data && data.problems ? data.problems.map(describe).join('; ') : '';
    const error = new Error(response.status + ': ' + (data && data.error ? data.error : response.statusText)
      + (problems ? ' — ' + problems : ''));
    error.status = response.status;
    error.data = data;
    throw error;
  }
  return { data, etag: response.headers.get('ETag') };
}

function describe(p) {
  return (p.field ? p.field + (p.line ? ' (line ' + p.line + ')' : '') + ': ' : '') + p.message;
}

function cell(row, text, className) {
  const td = document.createElement('td');
  if (text instanceof Node) { td.appendChild(text); } else { td.textContent = text == null ? '' : String(text); }
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function badge(text, kind) {
  const b = document.createElement('span');
  b.className = 'badge ' + (kind || '');
  b.textContent = text;
  return b;
}

// ------------------------------------------------------------------ units list

async function loadUnits() {
  try {
    const { data } = await api('GET', '/units');
    state.units = data.units;
    $('global-version').textContent = 'global version ' + data.version;
    renderUnits();
  } catch (e) {
    message(e.message, 'error');
  }
}

// A filter term matches a unit when it is part of its id, phase, a host or a path, or starts its
// status word (so "enabled" does not also find "disabled").
function unitMatches(u, term) {
  const status = [u.legacy ? 'legacy' : '', u.problem ? 'problem' : (u.enabled ? 'enabled' : 'disabled')];
  return [u.id, u.phase || '', ...(u.hosts || []), ...(u.paths || [])].some((w) => w.toLowerCase().includes(term))
    || status.some((w) => w && w.startsWith(term));
}

function renderUnits() {
  const terms = $('unit-filter').value.toLowerCase().split(/\s+/).filter((t) => t);
  const shown = state.units.filter((u) => terms.every((t) => unitMatches(u, t)));
  const empty = $('units-empty');
  empty.hidden = shown.length > 0;
  empty.textContent = state.units.length === 0
    ? 'No units yet. "New unit" starts one, disabled and harmless until you enable it; units written '
      + 'the seed\'s redis-cli way show up here too, to import.'
    : 'No unit matches "' + $('unit-filter').value + '" (id, phase, host, path, enabled/disabled, legacy).';
  const body = $('units-table').querySelector('tbody');
  body.replaceChildren();
  for (const u of shown) {
    const row = document.createElement('tr');
    row.className = 'unit-row';
    row.dataset.id = u.id;
    cell(row, u.id);
    cell(row, u.phase || '?');
    const status = document.createElement('span');
    if (u.legacy) status.appendChild(badge('legacy', 'legacy'));
    if (u.problem) status.appendChild(badge(u.problem, 'off'));
    else status.appendChild(badge(u.enabled ? 'enabled' : 'disabled', u.enabled ? 'on' : 'off'));
    cell(row, status);
    cell(row, u.sampling == null ? '' : u.sampling + '%');
    cell(row, u.order);
    cell(row, (u.hosts || []).join(', ') || 'all');
    cell(row, (u.paths || []).join('  ') || 'all');
    cell(row, u.version == null ? '' : u.version);
    cell(row, u.updatedAt ? new Date(u.updatedAt).toLocaleString() + ' by ' + u.updatedBy : '');
    const actions = document.createElement('span');
    if (u.legacy && !u.problem) {
      const importButton = document.createElement('button');
      importButton.textContent = 'Import';
      importButton.className = 'import';
      importButton.addEventListener('click', async (e) => {
        e.stopPropagation();
        await guarded(() => importUnit(u.id));
      });
      actions.appendChild(importButton);
    }
    cell(row, actions);
    row.addEventListener('click', () => openUnit(u));
    body.appendChild(row);
  }
}

async function guarded(action) {
  try {
    await action();
  } catch (e) {
    message(e.message, 'error');
  }
}

// ------------------------------------------------------------------ editor

function formUnit() {
  const hosts = $('unit-hosts').value.split(',').map((h) => h.trim()).filter((h) => h);
  // one nginx location per line: a regex may contain commas
  const paths = $('unit-paths').value.split('\n').map((p) => p.trim()).filter((p) => p);
  return {
    id: $('unit-id').value.trim() || null,
    phase: $('unit-phase').value,
    code: editor.getValue(),
    hosts,
    paths,
    sampling: Number($('unit-sampling').value),
    order: Number($('unit-order').value),
    enabled: $('unit-enabled').checked,
    failure: $('unit-failure').value,
    budget: { instructions: Number($('unit-budget-instructions').value), wallMillis: Number($('unit-budget-wall').value) },
  };
}

function fillForm(u) {
  $('unit-id').value = u ? u.id : '';
  $('unit-id').disabled = !!(u && !u.legacy);
  $('unit-phase').value = (u && u.phase) || 'access';
  $('unit-hosts').value = u && u.hosts ? u.hosts.join(', ') : '';
  $('unit-paths').value = u && u.paths ? u.paths.join('\n') : '';
  $('unit-sampling').value = u && u.sampling != null ? u.sampling : 100;
  $('unit-order').value = u && u.order != null ? u.order : 0;
  $('unit-enabled').checked = !!(u && u.enabled);
  $('unit-failure').value = (u && u.failure) || 'open';
  $('unit-budget-instructions').value = u && u.budget ? u.budget.instructions : 1000000;
  $('unit-budget-wall').value = u && u.budget ? u.budget.wallMillis : 50;
  editor.setValue(u && u.code != null ? u.code : TEMPLATE);
}

async function openUnit(summary) {
  $('editor-panel').hidden = false;
  $('history-panel').hidden = true;
  // what was shown for the previous unit must not pass for this one's
  $('test-result').textContent = '';
  $('version-view').hidden = true;
  $('diff').hidden = true;
  const legacy = !!(summary && summary.legacy);
  for (const b of document.querySelectorAll('.edit-only')) b.hidden = legacy;
  $('import-unit').hidden = !legacy || !!summary.problem;
  if (!summary) {
    state.current = null;
    $('editor-title').textContent = 'New unit';
    fillForm(null);
  } else if (summary.legacy) {
    state.current = { unit: summary, etag: null };
    $('editor-title').textContent = 'Legacy unit ' + summary.id + ' (import it to edit in the registry format)';
    fillForm(summary);
  } else {
    await guarded(async () => {
      const { data, etag } = await api('GET', '/units/' + encodeURIComponent(summary.id));
      state.current = { unit: data, etag };
      $('editor-title').textContent = 'Unit ' + data.id + ' (version ' + data.version + ')';
      fillForm(data);
    });
  }
  $('toggle-enabled').textContent = state.current && state.current.unit.enabled ? 'Disable' : 'Enable';
  loadSavedRequests();
  editor.refresh();
  scheduleValidation();
  showEdgeHealth();
}

function markErrors(problems) {
  for (const line of state.markedLines) editor.removeLineClass(line, 'background', 'lua-error-line');
  state.markedLines = [];
  const list = $('problems');
  list.replaceChildren();
  list.className = problems.length ? '' : 'ok';
  if (!problems.length) {
    const li = document.createElement('li');
    li.textContent = 'valid';
    list.appendChild(li);
  }
  for (const p of problems) {
    const li = document.createElement('li');
    li.textContent = describe(p);
    list.appendChild(li);
    if (p.line) {
      const handle = editor.addLineClass(p.line - 1, 'background', 'lua-error-line');
      state.markedLines.push(handle);
    }
  }
}

function scheduleValidation() {
  clearTimeout(state.validateTimer);
  state.validateTimer = setTimeout(validateNow, 300);
}

async function validateNow() {
  if (!token()) return;
  try {
    const { data } = await api('POST', '/units/validate', formUnit());
    markErrors(data.problems);
  } catch (e) {
    markErrors(e.data && e.data.problems ? e.data.problems : [{ field: null, message: e.message }]);
  }
}

async function save() {
  await guarded(async () => {
    const unit = formUnit();
    if (!unit.id) throw new Error('Give the unit an id');
    const existing = state.current && !state.current.unit.legacy ? state.current : null;
    const headers = existing ? { 'If-Match': existing.etag } : { 'If-None-Match': '*' };
    const { data, etag } = await api('PUT', '/units/' + encodeURIComponent(unit.id), unit, headers);
    state.current = { unit: data, etag };
    $('editor-title').textContent = 'Unit ' + data.id + ' (version ' + data.version + ')';
    $('unit-id').disabled = true;
    message('Saved ' + data.id + ' as version ' + data.version);
    await loadUnits();
    showEdgeHealth();
  });
}

async function patch(body, what) {
  await guarded(async () => {
    if (!state.current || state.current.unit.legacy) throw new Error('Save the unit first');
    const { data, etag } = await api('PATCH', '/units/' + encodeURIComponent(state.current.unit.id), body,
      { 'If-Match': state.current.etag });
    state.current = { unit: data, etag };
    fillForm(data);
    $('editor-title').textContent = 'Unit ' + data.id + ' (version ' + data.version + ')';
    $('toggle-enabled').textContent = data.enabled ? 'Disable' : 'Enable';
    message(what + ' — now version ' + data.version);
    await loadUnits();
    showEdgeHealth();
  });
}

async function importUnit(id) {
  await api('POST', '/units/' + encodeURIComponent(id) + '/import');
  message('Imported ' + id + ' into the registry format');
  await loadUnits();
  const imported = state.units.find((u) => u.id === id);
  if (imported && state.current && state.current.unit.id === id) await openUnit(imported);
}

async function remove() {
  await guarded(async () => {
    if (!state.current || state.current.unit.legacy) throw new Error('Nothing saved to delete');
    if (!confirm('Delete ' + state.current.unit.id + '? It can be rolled back from its history.')) return;
    await api('DELETE', '/units/' + encodeURIComponent(state.current.unit.id), undefined,
      { 'If-Match': state.current.etag });
    message('Deleted ' + state.current.unit.id);
    $('editor-panel').hidden = true;
    state.current = null;
    await loadUnits();
  });
}

async function showHistory() {
  await guarded(async () => {
    const id = state.current ? state.current.unit.id : $('unit-id').value.trim();
    const { data } = await api('GET', '/units/' + encodeURIComponent(id) + '/versions');
    state.history = data;
    const current = state.current && state.current.unit.version;
    const body = $('history-table').querySelector('tbody');
    body.replaceChildren();
    for (const from of [$('diff-from'), $('diff-to')]) from.replaceChildren();
    for (const v of data) {
      const row = document.createElement('tr');
      row.dataset.version = v.version;
      cell(row, v.version);
      const action = document.createElement('span');
      action.textContent = v.action + ' ';
      if (v.version === current) action.appendChild(badge('current', 'current'));
      cell(row, action);
      cell(row, new Date(v.at).toLocaleString());
      cell(row, v.actor);
      const actions = document.createElement('span');
      if (!v.deleted) {
        // View first: what a rollback would change is shown before it can be done, and the
        // current version offers no rollback (it would only make a copy of itself).
        const button = document.createElement('button');
        button.textContent = 'View';
        button.className = 'view-version';
        button.addEventListener('click', () => viewVersion(v));
        actions.appendChild(button);
        for (const select of [$('diff-from'), $('diff-to')]) {
          const option = document.createElement('option');
          option.value = v.version;
          option.textContent = 'version ' + v.version + (v.version === current ? ' (current)' : '');
          select.appendChild(option);
        }
      }
      cell(row, actions);
      body.appendChild(row);
    }
    // newest first: diff the previous version against the newest by default
    if ($('diff-from').options.length > 1) $('diff-from').selectedIndex = 1;
    $('version-view').hidden = true;
    $('diff').hidden = true;
    $('history-panel').hidden = false;
  });
}

// A unit as lines of text: its settings, then its code; what a diff compares.
function unitText(u) {
  if (!u) return ['(deleted)'];
  const budget = u.budget ? u.budget.instructions + ' instructions, ' + u.budget.wallMillis + ' ms' : 'default';
  return ['phase: ' + u.phase, 'enabled: ' + u.enabled, 'hosts: ' + ((u.hosts || []).join(', ') || 'all'),
    'paths: ' + ((u.paths || []).join('  ') || 'all'), 'sampling: ' + u.sampling + '%', 'order: ' + u.order,
    'failure: ' + u.failure, 'budget: ' + budget, '-- code --', ...(u.code || '').split('\n')];
}

// Line diff by longest common subsequence (units are small): [kind, line] with kind ' ', '-' or '+'.
function diffLines(a, b) {
  const n = a.length, m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { out.push([' ', a[i]]); i++; j++; }
    else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) { out.push(['+', b[j]]); j++; }
    else { out.push(['-', a[i]]); i++; }
  }
  return out;
}

function showDiff(target, from, to) {
  target.replaceChildren();
  const lines = diffLines(unitText(from), unitText(to));
  for (const [kind, line] of lines) {
    const span = document.createElement('span');
    span.className = kind === '+' ? 'add' : kind === '-' ? 'del' : 'same';
    span.textContent = kind + ' ' + line;
    target.appendChild(span);
  }
  if (lines.every(([kind]) => kind === ' ')) {
    const span = document.createElement('span');
    span.className = 'same';
    span.textContent = '(no difference)';
    target.appendChild(span);
  }
}

function versionEntry(version) {
  return state.history.find((v) => v.version === Number(version));
}

function compareVersions() {
  const from = versionEntry($('diff-from').value);
  const to = versionEntry($('diff-to').value);
  if (!from || !to) return;
  $('version-view').hidden = true;
  $('diff').hidden = false;
  showDiff($('diff'), from.unit, to.unit);
}

function viewVersion(v) {
  const current = state.current.unit;
  $('diff').hidden = true;
  $('version-view').hidden = false;
  $('version-title').textContent = 'Version ' + v.version + ' (' + v.action + ' by ' + v.actor + ')'
    + (v.version === current.version ? ' — the current version' : '');
  showDiff($('version-diff'), current, v.unit);
  const rollback = $('rollback');
  rollback.hidden = v.version === current.version;
  rollback.textContent = 'Roll back to version ' + v.version;
  rollback.onclick = () => guarded(async () => {
    if (!confirm('Roll ' + current.id + ' back to the content of version ' + v.version
      + '? This publishes a new version to every edge.')) return;
    const id = current.id;
    const { data: unit, etag } = await api('POST', '/units/' + encodeURIComponent(id) + '/rollback',
      { version: v.version });
    state.current = { unit, etag };
    fillForm(unit);
    $('editor-title').textContent = 'Unit ' + unit.id + ' (version ' + unit.version + ')';
    $('toggle-enabled').textContent = unit.enabled ? 'Disable' : 'Enable';
    message('Rolled ' + id + ' back to the content of version ' + v.version + ' (now version ' + unit.version + ')');
    await loadUnits();
    showEdgeHealth();
    await showHistory();
  });
}

// ------------------------------------------------------------------ dry run

function parseHeaders(text) {
  const headers = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return headers;
}

// Saved test requests live in this browser's localStorage, per unit, at most MAX_SAVED each:
// they are an operator's scratch inputs, not part of the unit, so they stay out of its
// versions, audit and the edges' snapshot (and the dry run keeps storing nothing).
const MAX_SAVED = 20;

function savedKey() {
  const id = state.current ? state.current.unit.id : ($('unit-id').value.trim() || 'new unit');
  return 'nott-saved-requests:' + id;
}

function savedRequests() {
  try { return JSON.parse(localStorage.getItem(savedKey()) || '[]'); } catch (e) { return []; }
}

const REQUEST_FIELDS = ['dryrun-method', 'dryrun-uri', 'dryrun-client', 'dryrun-headers',
  'dryrun-upstream-status', 'dryrun-upstream-headers', 'dryrun-upstream-body'];

function loadSavedRequests() {
  const select = $('saved-requests');
  select.replaceChildren();
  const placeholder = document.createElement('option');
  placeholder.value = '';
  placeholder.textContent = 'saved requests of this unit…';
  select.appendChild(placeholder);
  for (const r of savedRequests()) {
    const option = document.createElement('option');
    option.value = r.name;
    option.textContent = r.name;
    select.appendChild(option);
  }
}

function saveRequest() {
  const name = $('request-name').value.trim() || ($('dryrun-method').value + ' ' + $('dryrun-uri').value);
  const fields = {};
  for (const id of REQUEST_FIELDS) fields[id] = $(id).value;
  const list = savedRequests().filter((r) => r.name !== name);
  list.unshift({ name, fields });
  localStorage.setItem(savedKey(), JSON.stringify(list.slice(0, MAX_SAVED)));
  loadSavedRequests();
  $('saved-requests').value = name;
  message('Saved the test request "' + name + '" for this unit (in this browser, at most ' + MAX_SAVED + ')');
}

function useSavedRequest() {
  const saved = savedRequests().find((r) => r.name === $('saved-requests').value);
  if (!saved) return;
  for (const id of REQUEST_FIELDS) if (saved.fields[id] != null) $(id).value = saved.fields[id];
  $('request-name').value = saved.name;
  $('test-result').textContent = '';
}

function forgetRequest() {
  const name = $('saved-requests').value;
  if (!name) return;
  localStorage.setItem(savedKey(), JSON.stringify(savedRequests().filter((r) => r.name !== name)));
  loadSavedRequests();
}

async function runTest() {
  const out = $('test-result');
  out.textContent = 'running…';
  try {
    const unit = formUnit();
    if (!unit.id) unit.id = 'draft';
    const body = {
      unit,
      chain: $('dryrun-chain').checked,
      request: {
        method: $('dryrun-method').value,
        uri: $('dryrun-uri').value,
        headers: parseHeaders($('dryrun-headers').value),
        clientAddress: $('dryrun-client').value,
      },
      response: {
        status: Number($('dryrun-upstream-status').value),
        headers: parseHeaders($('dryrun-upstream-headers').value),
        body: $('dryrun-upstream-body').value,
      },
    };
    const { data } = await api('POST', '/units/test', body);
    const lines = [
      'outcome: ' + data.outcome + '   status: ' + data.status,
      'duration: ' + data.durationMicros + ' µs   instructions: ' + data.instructions,
      'headers:',
      ...Object.entries(data.headers || {}).map(([k, v]) => '  ' + k + ': ' + v),
      'body:',
      data.body || '',
      'log:',
      ...(data.logs || []).map((l) => '  ' + l),
      'units:',
      ...(data.units || []).map((u) => '  ' + u.unitId + ' [' + u.phase + '] ' + u.kind
        + (u.message ? ' — ' + u.message : '')),
    ];
    out.textContent = lines.join('\n');
  } catch (e) {
    out.textContent = e.message;
  }
}

// ------------------------------------------------------------------ what the edges see

// The open unit's calls, errors, timeouts and p99 as the edges counted them over their window
// (GET /units/{id}/health, summed from the edges' heartbeats every edge.sync.heartbeat-interval),
// read again every HEALTH_REFRESH_MS while the unit is open, so an operator who enables a unit
// watches it start working (or failing) on live traffic.
const HEALTH_REFRESH_MS = 5000;

async function showEdgeHealth() {
  const panel = $('edge-health');
  const unit = state.current && !state.current.unit.legacy ? state.current.unit : null;
  // Each reading is numbered: an answer that arrives after a newer reading started (another unit
  // opened, a slow registry) is dropped rather than shown under the wrong unit.
  const reading = ++state.healthReading;
  if (!unit || !unit.id || $('editor-panel').hidden || !token()) {
    panel.hidden = true;
    return;
  }
  let view;
  try {
    view = (await api('GET', '/units/' + encodeURIComponent(unit.id) + '/health')).data;
  } catch (e) {
    if (reading !== state.healthReading) return;
    panel.hidden = false;
    $('edge-health-status').textContent = 'Could not read what the edges report (' + e.message + '); retrying every '
      + HEALTH_REFRESH_MS / 1000 + ' s.';
    return;
  }
  if (reading !== state.healthReading) return;
  panel.hidden = false;
  const versions = view.versions || [];
  const calls = versions.reduce((sum, v) => sum + v.calls, 0);
  $('edge-health-status').textContent = (versions.length
    ? calls + ' call(s) on ' + view.edges + ' edge(s) over their last ' + view.windowSeconds + ' s'
    : 'No calls on ' + view.edges + ' edge(s) over their last ' + view.windowSeconds + ' s'
      + (unit.enabled ? ' (requests it matches will show here)' : ' (the unit is disabled: edges do not run it)'))
    + '; read at ' + new Date().toLocaleTimeString() + ', every ' + HEALTH_REFRESH_MS / 1000 + ' s.';
  const body = $('edge-health-table').querySelector('tbody');
  body.replaceChildren();
  for (const v of versions) {
    const row = document.createElement('tr');
    row.dataset.role = v.role;
    row.dataset.version = v.version;
    cell(row, v.version);
    cell(row, v.role);
    cell(row, v.calls, 'calls');
    cell(row, v.errors, v.errors ? 'errors bad' : 'errors');
    cell(row, v.timeouts, v.timeouts ? 'timeouts bad' : 'timeouts');
    cell(row, v.breakerTrips, v.breakerTrips ? 'trips bad' : 'trips');
    for (const c of ['2xx', '3xx', '4xx', '5xx']) cell(row, v.exits[c], 'exits-' + c);
    cell(row, v.p50Ms, 'p50');
    cell(row, v.p99Ms, 'p99');
    body.appendChild(row);
  }
}

// ------------------------------------------------------------------ fleet and audit

async function loadEdges() {
  await guarded(async () => {
    const { data } = await api('GET', '/edges');
    $('fleet-version').textContent = 'registry version ' + data.version + ', ' + data.edges.length + ' edge node(s)';
    const body = $('edges-table').querySelector('tbody');
    body.replaceChildren();
    for (const e of data.edges) {
      const row = document.createElement('tr');
      cell(row, e.nodeId);
      cell(row, e.appliedVersion);
      cell(row, e.at ? new Date(e.at).toLocaleString() : '');
      cell(row, e.unitsLoaded);
      const s = document.createElement('span');
      s.appendChild(badge(e.stale ? 'stale' : 'alive', e.stale ? 'stale' : 'on'));
      if (e.behind) s.appendChild(badge('behind', 'legacy'));
      if (e.sync === 'failing') s.appendChild(badge('sync failing', 'stale'));
      cell(row, s);
      cell(row, e.source || '');
      cell(row, (e.errors || []).join('\n'));
      body.appendChild(row);
    }
    await loadDicts();
  });
}

// Declared with PUT /api/v1/shared-dicts/{name} {"size":"10m"}; listed here read-only.
async function loadDicts() {
  const { data } = await api('GET', '/shared-dicts');
  $('dicts-total').textContent = data.dicts.length + ' dict(s), ' + data.totalBytes + ' of ' + data.maxTotalBytes
    + ' bytes allowed (registry.shared-dicts.max-total)';
  const body = $('dicts-table').querySelector('tbody');
  body.replaceChildren();
  for (const d of data.dicts) {
    const row = document.createElement('tr');
    cell(row, d.name);
    cell(row, d.size);
    cell(row, d.bytes);
    body.appendChild(row);
  }
}

async function loadAudit() {
  await guarded(async () => {
    const { data } = await api('GET', '/audit?limit=200');
    const body = $('audit-table').querySelector('tbody');
    body.replaceChildren();
    for (const a of data) {
      const row = document.createElement('tr');
      cell(row, new Date(a.at).toLocaleString());
      cell(row, a.actor);
      cell(row, a.action);
      cell(row, a.unit);
      cell(row, a.version);
      cell(row, a.summary);
      body.appendChild(row);
    }
  });
}

function showTab(name) {
  for (const tab of document.querySelectorAll('.tab')) tab.classList.toggle('active', tab.dataset.tab === name);
  for (const view of document.querySelectorAll('.view')) view.hidden = view.id !== 'view-' + name;
  if (name === 'units') loadUnits();
  if (name === 'edges') loadEdges();
  if (name === 'audit') loadAudit();
}

// ------------------------------------------------------------------ wiring

$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem('registry-token', $('token').value.trim());
  $('token').value = '';
  $('who').textContent = 'token set';
  message('');
  loadUnits();
});
for (const tab of document.querySelectorAll('.tab')) tab.addEventListener('click', () => showTab(tab.dataset.tab));
$('new-unit').addEventListener('click', () => openUnit(null));
$('refresh').addEventListener('click', loadUnits);
$('save').addEventListener('click', save);
$('delete').addEventListener('click', remove);
$('close-editor').addEventListener('click', () => { $('editor-panel').hidden = true; showEdgeHealth(); });
$('toggle-enabled').addEventListener('click', () => {
  const enable = !(state.current && state.current.unit.enabled);
  if (!enable && !confirm('Disable ' + state.current.unit.id + '? Edges stop running it at once.')) return;
  patch({ enabled: enable }, enable ? 'Enabled' : 'Disabled');
});
$('import-unit').addEventListener('click', () => guarded(() => importUnit(state.current.unit.id)));
$('unit-filter').addEventListener('input', renderUnits);
$('show-diff').addEventListener('click', compareVersions);
$('save-request').addEventListener('click', saveRequest);
$('saved-requests').addEventListener('change', useSavedRequest);
$('forget-request').addEventListener('click', forgetRequest);
$('apply-sampling').addEventListener('click', () => {
  const u = formUnit();
  patch({ sampling: u.sampling, order: u.order, hosts: u.hosts, paths: u.paths }, 'Sampling ' + u.sampling + '%, order ' + u.order);
});
$('show-history').addEventListener('click', showHistory);
$('run-test').addEventListener('click', runTest);
editor.on('change', scheduleValidation);
for (const id of ['unit-phase', 'unit-sampling', 'unit-hosts', 'unit-paths', 'unit-id', 'unit-budget-instructions',
  'unit-budget-wall']) $(id).addEventListener('input', scheduleValidation);

// One ticker for the open unit's edge figures; showEdgeHealth hides the panel when none is open.
setInterval(() => { if (!document.hidden) showEdgeHealth(); }, HEALTH_REFRESH_MS);

if (token()) {
  $('who').textContent = 'token set';
  loadUnits();
} else {
  message('Paste a bearer token (viewer to read, editor to change) and press "Use token".');
}
