// The registry's operator UI: plain browser JavaScript over /api/v1, no framework, no CDN.
'use strict';

const API = '/api/v1';
const state = { current: null, units: [], validateTimer: null, markedLines: [] };
const $ = (id) => document.getElementById(id);

const editor = CodeMirror($('code-editor'), {
  mode: 'lua', lineNumbers: true, indentUnit: 2, tabSize: 2,
  value: "-- Lua with OpenResty's ngx API\nif ngx.var.arg_token ~= 'abc' then\n  return ngx.exit(ngx.HTTP_FORBIDDEN)\nend\n",
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
    const body = $('units-table').querySelector('tbody');
    body.replaceChildren();
    for (const u of data.units) {
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
          await guarded(async () => {
            await api('POST', '/units/' + encodeURIComponent(u.id) + '/import');
            message('Imported ' + u.id + ' into the registry format');
            await loadUnits();
          });
        });
        actions.appendChild(importButton);
      }
      cell(row, actions);
      row.addEventListener('click', () => openUnit(u));
      body.appendChild(row);
    }
  } catch (e) {
    message(e.message, 'error');
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
  $('unit-enabled').checked = !u || u.enabled !== false;
  $('unit-failure').value = (u && u.failure) || 'open';
  if (u && u.code != null) editor.setValue(u.code);
}

async function openUnit(summary) {
  $('editor-panel').hidden = false;
  $('history-panel').hidden = true;
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
  $('toggle-enabled').textContent = state.current && state.current.unit.enabled === false ? 'Enable' : 'Disable';
  editor.refresh();
  scheduleValidation();
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
  });
}

async function patch(body, what) {
  await guarded(async () => {
    if (!state.current || state.current.unit.legacy) throw new Error('Save the unit first');
    const { data, etag } = await api('PATCH', '/units/' + encodeURIComponent(state.current.unit.id), body,
      { 'If-Match': state.current.etag });
    state.current = { unit: data, etag };
    fillForm(data);
    $('toggle-enabled').textContent = data.enabled ? 'Disable' : 'Enable';
    message(what + ' — now version ' + data.version);
    await loadUnits();
  });
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
    const body = $('history-table').querySelector('tbody');
    body.replaceChildren();
    for (const v of data) {
      const row = document.createElement('tr');
      cell(row, v.version);
      cell(row, v.action);
      cell(row, new Date(v.at).toLocaleString());
      cell(row, v.actor);
      const actions = document.createElement('span');
      if (!v.deleted) {
        const button = document.createElement('button');
        button.textContent = 'Roll back to ' + v.version;
        button.className = 'rollback';
        button.addEventListener('click', () => guarded(async () => {
          const { data: unit, etag } = await api('POST', '/units/' + encodeURIComponent(id) + '/rollback',
            { version: v.version });
          state.current = { unit, etag };
          fillForm(unit);
          message('Rolled ' + id + ' back to the content of version ' + v.version + ' (now version ' + unit.version + ')');
          await loadUnits();
          await showHistory();
        }));
        actions.appendChild(button);
      }
      cell(row, actions);
      body.appendChild(row);
    }
    $('history-panel').hidden = false;
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
$('close-editor').addEventListener('click', () => { $('editor-panel').hidden = true; });
$('toggle-enabled').addEventListener('click', () => {
  const enable = !(state.current && state.current.unit.enabled);
  patch({ enabled: enable }, enable ? 'Enabled' : 'Disabled');
});
$('apply-sampling').addEventListener('click', () => {
  const u = formUnit();
  patch({ sampling: u.sampling, order: u.order, hosts: u.hosts, paths: u.paths }, 'Sampling ' + u.sampling + '%, order ' + u.order);
});
$('show-history').addEventListener('click', showHistory);
$('run-test').addEventListener('click', runTest);
editor.on('change', scheduleValidation);
for (const id of ['unit-phase', 'unit-sampling', 'unit-hosts', 'unit-paths', 'unit-id']) $(id).addEventListener('input', scheduleValidation);

if (token()) {
  $('who').textContent = 'token set';
  loadUnits();
} else {
  message('Paste a bearer token (viewer to read, editor to change) and press "Use token".');
}
