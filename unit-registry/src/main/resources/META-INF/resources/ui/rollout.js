// Gradual rollouts in the operator UI (issue #18): a saved change goes out as a canary, and each
// unit shows its rollout (step, canary vs stable figures, decisions, pause/resume/promote/abort).
// Loaded after app.js and built on its helpers ($, api, state, guarded, message, cell, formUnit).
'use strict';

// A new unit has no stable version yet: it starts as a rollout whose stable side does nothing.
const ROLLOUT_PLACEHOLDER = '-- placeholder: this unit does nothing until its canary is promoted';
// Module and init units run for no request, so they cannot be split; they are saved as written.
const SPLIT_PHASES = ['rewrite', 'access', 'content', 'header_filter', 'body_filter', 'log', 'balancer'];
const rollout = { timer: null };

function rolloutElement(tag, attributes, children) {
  const el = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([k, v]) => { if (k === 'text') el.textContent = v; else el.setAttribute(k, v); });
  (children || []).forEach((c) => el.appendChild(c));
  return el;
}

function labelled(text, input) {
  const label = rolloutElement('label', {}, [document.createTextNode(text + ' '), input]);
  return label;
}

// ------------------------------------------------------------------ the form: save as a rollout

function buildRolloutForm() {
  const gradual = rolloutElement('input', { id: 'rollout-gradual', type: 'checkbox' });
  gradual.checked = true;
  const fields = rolloutElement('fieldset', { id: 'rollout-fields' }, [
    rolloutElement('legend', { text: 'Rollout' }),
    rolloutElement('label', { class: 'check' }, [gradual, document.createTextNode(
      ' roll out gradually: the code goes out as a canary and is promoted step by step, rolled back when it hurts')]),
    rolloutElement('div', { class: 'grid' }, [
      labelled('steps %', rolloutElement('input', { id: 'rollout-steps', value: '1, 10, 50, 100' })),
      labelled('min canary calls per step', rolloutElement('input', { id: 'rollout-min-requests', type: 'number', value: '100' })),
      labelled('min seconds per step', rolloutElement('input', { id: 'rollout-min-seconds', type: 'number', value: '60' })),
      labelled('min canary calls before judging p99', rolloutElement('input',
        { id: 'rollout-min-p99-calls', type: 'number', min: '1', value: '100' })),
      labelled('split by (nginx variable)', rolloutElement('input', { id: 'canary-key', value: 'remote_addr' })),
    ]),
  ]);
  $('code-editor').before(fields);
}

function rolloutBody() {
  const unit = formUnit();
  if (!$('rollout-gradual').checked || !SPLIT_PHASES.includes(unit.phase)) return unit;
  const existing = state.current && !state.current.unit.legacy ? state.current.unit : null;
  const steps = $('rollout-steps').value.split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
  unit.canary = { code: unit.code, key: $('canary-key').value.trim() || 'remote_addr' };
  unit.code = existing && existing.code != null ? existing.code : ROLLOUT_PLACEHOLDER;
  unit.rollout = {
    steps,
    minRequests: Number($('rollout-min-requests').value),
    minStepSeconds: Number($('rollout-min-seconds').value),
    minP99Calls: Number($('rollout-min-p99-calls').value),
  };
  return unit;
}

async function saveAsRollout() {
  await guarded(async () => {
    const unit = rolloutBody();
    if (!unit.id) throw new Error('Give the unit an id');
    const existing = state.current && !state.current.unit.legacy ? state.current : null;
    const headers = existing ? { 'If-Match': existing.etag } : { 'If-None-Match': '*' };
    const { data, etag } = await api('PUT', '/units/' + encodeURIComponent(unit.id), unit, headers);
    // the rollout's first step is a write of its own: read the unit again for its current ETag
    const fresh = await api('GET', '/units/' + encodeURIComponent(unit.id));
    state.current = { unit: fresh.data, etag: fresh.etag || etag };
    $('editor-title').textContent = 'Unit ' + data.id + ' (version ' + fresh.data.version + ')';
    $('unit-id').disabled = true;
    message('Saved ' + data.id + ' as version ' + data.version + (unit.canary ? ' (as a canary rolling out)' : ''));
    await loadUnits();
    await showRollout();
  });
}

// ------------------------------------------------------------------ the rollout view

function buildRolloutPanel() {
  const buttons = ['pause', 'resume', 'promote', 'abort'].map((a) => {
    const b = rolloutElement('button', { id: 'rollout-' + a, text: a[0].toUpperCase() + a.slice(1) });
    if (a === 'abort') b.className = 'danger';
    b.addEventListener('click', () => act(a));
    return b;
  });
  const panel = rolloutElement('div', { id: 'rollout-panel', hidden: '' }, [
    rolloutElement('h3', { text: 'Rollout' }),
    rolloutElement('p', { id: 'rollout-status' }),
    rolloutElement('table', { id: 'rollout-figures' }, [rolloutElement('thead', {}, [rolloutElement('tr', {},
      ['side', 'version', 'calls', 'errors', 'timeouts', 'breaker trips', '2xx', '3xx', '4xx', '5xx', 'p50 ms', 'p99 ms']
        .map((h) => rolloutElement('th', { text: h })))]), rolloutElement('tbody')]),
    rolloutElement('div', { class: 'toolbar' }, buttons),
    rolloutElement('table', { id: 'rollout-decisions' }, [rolloutElement('thead', {}, [rolloutElement('tr', {},
      ['when', 'who', 'decision', 'share', 'figures'].map((h) => rolloutElement('th', { text: h })))]),
    rolloutElement('tbody')]),
  ]);
  $('dryrun').before(panel);
}

async function showRollout() {
  clearTimeout(rollout.timer);
  const panel = $('rollout-panel');
  const unit = state.current && !state.current.unit.legacy ? state.current.unit : null;
  if (!unit || !unit.id || $('editor-panel').hidden) {
    panel.hidden = true;
    return;
  }
  const id = encodeURIComponent(unit.id);
  let view = null;
  try {
    view = (await api('GET', '/units/' + id + '/rollout')).data;
  } catch (e) {
    if (e.status !== 404) { message(e.message, 'error'); return; }
  }
  panel.hidden = false;
  const health = (await api('GET', '/units/' + id + '/health').catch(() => ({ data: { versions: [] } }))).data;
  $('rollout-status').textContent = view
    ? view.status + ' — canary v' + view.canaryVersion + ' at ' + view.percent + ' % (step ' + (view.step + 1) + ' of '
      + view.plan.steps.length + ': ' + view.plan.steps.join(' → ') + ' %) since ' + new Date(view.stepSince).toLocaleString()
    : 'no rollout: save a change with "roll out gradually" to start one';
  const figures = $('rollout-figures').querySelector('tbody');
  figures.replaceChildren();
  for (const v of health.versions || []) {
    const row = document.createElement('tr');
    row.dataset.role = v.role;
    [v.role, v.version, v.calls, v.errors, v.timeouts, v.breakerTrips, v.exits['2xx'], v.exits['3xx'], v.exits['4xx'],
      v.exits['5xx'], v.p50Ms, v.p99Ms].forEach((x) => cell(row, x));
    figures.appendChild(row);
  }
  const decisions = $('rollout-decisions').querySelector('tbody');
  decisions.replaceChildren();
  for (const d of (view && view.decisions) || []) {
    const row = document.createElement('tr');
    [new Date(d.at).toLocaleString(), d.actor, d.action, d.percent + ' %', d.reason].forEach((x) => cell(row, x));
    decisions.appendChild(row);
  }
  const running = view && !['promoted', 'rolled_back', 'aborted'].includes(view.status);
  $('rollout-pause').disabled = !running || view.status !== 'running';
  $('rollout-resume').disabled = !running || view.status !== 'paused';
  $('rollout-promote').disabled = !running;
  $('rollout-abort').disabled = !running;
  // the controller moves on by itself: keep the view current while it is open
  if (running) rollout.timer = setTimeout(showRollout, 5000);
}

async function act(action) {
  await guarded(async () => {
    const id = encodeURIComponent(state.current.unit.id);
    const { data } = await api('POST', '/units/' + id + '/rollout/' + action);
    message('Rollout of ' + data.unitId + ': ' + action + ' → ' + data.status + ' at ' + data.percent + ' %');
    const fresh = await api('GET', '/units/' + id);
    state.current = { unit: fresh.data, etag: fresh.etag };
    await showRollout();
  });
}

// ------------------------------------------------------------------ wiring into app.js

buildRolloutForm();
buildRolloutPanel();
$('save').removeEventListener('click', save);
$('save').addEventListener('click', saveAsRollout);
const openUnitWithoutRollout = openUnit;
// eslint-disable-next-line no-global-assign
openUnit = async function (summary) {
  await openUnitWithoutRollout(summary);
  await showRollout();
};
