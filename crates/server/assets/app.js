// Watchfloor dashboard. Hand-written, no framework, no external requests.
// Every piece of data is put into the page with textContent or
// setAttribute on elements we create: source text is never parsed as HTML.
'use strict';

(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  const SCREENS = ['workbench', 'search-screen', 'catalogue-screen'];
  const state = {
    me: null,
    stats: null,
    searchSeq: 0,
    entitySeq: 0,
    entity: null,
    months: [],
    vb: { x: 0, y: 0, w: 1, h: 1 },
    events: [],
    board: null,
    selectedIndicator: null,
    loadSeq: 0,
    boardSeq: 0,
  };
  // Map region at start: Belarus and its neighbours.
  const START = { minLon: 14, maxLon: 42, minLat: 46, maxLat: 60 };
  const K = Math.cos((53 * Math.PI) / 180); // equirectangular, true at 53°N
  const project = (lon, lat) => [lon * K, -lat];
  const unproject = (x, y) => [x / K, -y];

  // ---- helpers -----------------------------------------------------------

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) e.setAttribute(k, String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  }
  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  }
  // Bidirectional controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI,
  // LRM, RLM, ALM) are shown as visible tags, so source text cannot reorder
  // what is around it or hide what it says.
  const BIDI = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;
  function appendText(parent, text) {
    let last = 0;
    for (const m of text.matchAll(BIDI)) {
      if (m.index > last) parent.append(document.createTextNode(text.slice(last, m.index)));
      const code = m[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
      parent.append(el('span', { class: 'ctl', title: 'direction control character' }, 'U+' + code));
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
    return parent;
  }
  function dataSpan(text, cls) {
    return appendText(el('span', { class: 'data' + (cls ? ' ' + cls : ''), dir: 'ltr' }), text || '');
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  class HttpError extends Error {
    constructor(status, body) {
      super((body && body.error && body.error.message) || 'HTTP ' + status);
      this.status = status;
    }
  }
  async function api(path, options) {
    const r = await fetch(path, Object.assign({ credentials: 'same-origin' }, options || {}));
    let body = null;
    try { body = await r.json(); } catch (_) { body = null; }
    if (r.status === 401) showSignIn();
    if (!r.ok) throw new HttpError(r.status, body);
    return body;
  }

  // ---- sign-in -----------------------------------------------------------

  function showSignIn() {
    $('sign-in').hidden = false;
    for (const id of SCREENS) $(id).hidden = true;
    $('screens').hidden = true;
    $('sign-out').hidden = true;
  }
  $('sign-in-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('sign-in-error').textContent = '';
    try {
      await api('/api/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: $('token').value.trim() }),
      });
      $('token').value = '';
      start();
    } catch (e) {
      $('sign-in-error').textContent = e.message;
    }
  });
  $('sign-out').addEventListener('click', async () => {
    await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin' });
    showSignIn();
  });

  // ---- filters and time ----------------------------------------------------

  function filters(withTime) {
    const q = new URLSearchParams();
    for (const name of ['domain', 'type', 'modality']) {
      const v = $(name).value;
      if (v) q.set(name, v);
    }
    if ($('campaign').value) q.set('campaign', $('campaign').value);
    if (withTime) {
      const t = timeRange();
      if (t.from) q.set('from', t.from);
      if (t.to) q.set('to', t.to);
      // Events with no known date stay in view whatever the time range,
      // unless the analyst unticks "include undated".
      q.set('undated', $('undated').checked ? 'include' : 'exclude');
    }
    return q;
  }
  // The report and export links follow the filters and the time range.
  function updateLinks() {
    const q = filters(true);
    const suffix = q.toString() ? '?' + q : '';
    $('export-link').setAttribute('href', '/api/export/events.geojson' + suffix);
    $('csv-link').setAttribute('href', '/api/export/events.csv' + suffix);
    const r = new URLSearchParams();
    r.set('campaign', $('campaign').value || 'russia-belarus');
    const t = timeRange();
    if (t.from) r.set('since', t.from);
    if (t.to) r.set('to', t.to);
    $('report-link').setAttribute('href', '/api/report.html?' + r);
  }
  function monthEnd(ym) {
    const [y, m] = ym.split('-').map(Number);
    const d = new Date(Date.UTC(y, m, 0));
    return d.toISOString().slice(0, 10);
  }
  function timeRange() {
    const n = state.months.length;
    if (!n) return {};
    const a = Number($('from').value), b = Number($('to').value);
    const lo = Math.min(a, b), hi = Math.max(a, b);
    return {
      from: lo > 0 ? state.months[lo] + '-01' : null,
      to: hi < n - 1 ? monthEnd(state.months[hi]) : null,
      label: state.months[lo] + ' – ' + state.months[hi],
    };
  }
  function setupTime(stats) {
    state.months = [];
    if (stats.first_event && stats.last_event) {
      let [y, m] = stats.first_event.slice(0, 7).split('-').map(Number);
      const [y2, m2] = stats.last_event.slice(0, 7).split('-').map(Number);
      while (y < y2 || (y === y2 && m <= m2)) {
        state.months.push(y + '-' + String(m).padStart(2, '0'));
        m += 1;
        if (m > 12) { m = 1; y += 1; }
      }
    }
    const max = Math.max(0, state.months.length - 1);
    for (const id of ['from', 'to']) $(id).max = String(max);
    $('from').value = '0';
    $('to').value = String(max);
    showTimeLabel();
  }
  function showTimeLabel() {
    const t = timeRange();
    $('time-label').textContent = state.months.length ? t.label : 'no dated events';
  }
  let timer = null;
  function later(fn, ms) {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  }
  for (const id of ['from', 'to']) {
    $(id).addEventListener('input', () => {
      showTimeLabel();
      later(() => { loadEvents(); loadBoard(); }, 120);
    });
  }
  $('undated').addEventListener('change', () => loadEvents());
  for (const id of ['domain', 'type', 'modality', 'campaign']) {
    $(id).addEventListener('change', () => {
      loadEvents();
      if (id === 'campaign') loadBoard(); else renderBoard();
    });
  }

  // ---- map ------------------------------------------------------------------

  function ringPath(ring) {
    let d = '';
    for (let i = 0; i < ring.length; i++) {
      const [x, y] = project(ring[i][0], ring[i][1]);
      d += (i ? 'L' : 'M') + x.toFixed(3) + ' ' + y.toFixed(3);
    }
    return d + 'Z';
  }
  function geometryPath(g) {
    if (!g) return '';
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    return polys.map((p) => p.map(ringPath).join('')).join('');
  }
  async function loadBasemap() {
    const [countries, disputed] = await Promise.all([
      api('/api/basemap/countries.geojson'),
      api('/api/basemap/disputed.geojson').catch(() => ({ features: [] })),
    ]);
    const gc = $('countries'), gd = $('disputed');
    clear(gc); clear(gd);
    for (const f of countries.features || []) {
      const p = svg('path', { d: geometryPath(f.geometry) });
      const iso = f.properties && (f.properties.iso_a3 || f.properties.ISO_A3 || f.properties.id);
      if (iso === 'BLR') p.setAttribute('class', 'focus');
      const t = svg('title', {});
      t.textContent = (f.properties && (f.properties.name || f.properties.NAME)) || '';
      p.append(t);
      gc.append(p);
    }
    for (const f of disputed.features || []) {
      gd.append(svg('path', { d: geometryPath(f.geometry) }));
    }
  }
  function setViewBox(vb) {
    state.vb = vb;
    $('map').setAttribute('viewBox', [vb.x, vb.y, vb.w, vb.h].map((n) => n.toFixed(4)).join(' '));
  }
  function fitStart() {
    const [x0, y0] = project(START.minLon, START.maxLat);
    const [x1, y1] = project(START.maxLon, START.minLat);
    const box = $('map').getBoundingClientRect();
    let w = x1 - x0, h = y1 - y0;
    const aspect = box.width / Math.max(1, box.height);
    if (w / h < aspect) { const nw = h * aspect; setViewBox({ x: x0 - (nw - w) / 2, y: y0, w: nw, h }); }
    else { const nh = w / aspect; setViewBox({ x: x0, y: y0 - (nh - h) / 2, w, h: nh }); }
  }
  function pxPerUnit() {
    const box = $('map').getBoundingClientRect();
    return box.width / state.vb.w;
  }
  function clientToUnits(cx, cy) {
    const box = $('map').getBoundingClientRect();
    return [state.vb.x + ((cx - box.left) / box.width) * state.vb.w,
            state.vb.y + ((cy - box.top) / box.height) * state.vb.h];
  }
  function zoomAt(factor, cx, cy) {
    const [ux, uy] = clientToUnits(cx, cy);
    const vb = state.vb;
    const w = Math.min(400, Math.max(0.05, vb.w * factor));
    const f = w / vb.w;
    setViewBox({ x: ux - (ux - vb.x) * f, y: uy - (uy - vb.y) * f, w, h: vb.h * f });
    drawMarkers();
    later(loadEvents, 200);
  }
  function setupMapInput() {
    const map = $('map');
    map.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      zoomAt(ev.deltaY > 0 ? 1.2 : 1 / 1.2, ev.clientX, ev.clientY);
    }, { passive: false });
    let drag = null;
    map.addEventListener('pointerdown', (ev) => {
      if (ev.target.closest && ev.target.closest('#markers')) return;
      drag = { x: ev.clientX, y: ev.clientY, vb: Object.assign({}, state.vb), moved: false };
      map.setPointerCapture(ev.pointerId);
      map.classList.add('dragging');
    });
    map.addEventListener('pointermove', (ev) => {
      if (!drag) return;
      const k = 1 / pxPerUnit();
      const dx = (ev.clientX - drag.x) * k, dy = (ev.clientY - drag.y) * k;
      if (Math.abs(dx) + Math.abs(dy) > 0) drag.moved = true;
      setViewBox({ x: drag.vb.x - dx, y: drag.vb.y - dy, w: drag.vb.w, h: drag.vb.h });
    });
    const end = () => {
      if (!drag) return;
      const moved = drag.moved;
      drag = null;
      map.classList.remove('dragging');
      if (moved) { drawMarkers(); later(loadEvents, 150); }
    };
    map.addEventListener('pointerup', end);
    map.addEventListener('pointercancel', end);
    $('zoom-in').addEventListener('click', () => {
      const b = map.getBoundingClientRect();
      zoomAt(1 / 1.5, b.left + b.width / 2, b.top + b.height / 2);
    });
    $('zoom-out').addEventListener('click', () => {
      const b = map.getBoundingClientRect();
      zoomAt(1.5, b.left + b.width / 2, b.top + b.height / 2);
    });
    window.addEventListener('resize', () => drawMarkers());
  }
  function bboxParam() {
    const vb = state.vb;
    let [lon0, lat1] = unproject(vb.x, vb.y);
    let [lon1, lat0] = unproject(vb.x + vb.w, vb.y + vb.h);
    const c = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    lon0 = c(lon0, -180, 180); lon1 = c(lon1, -180, 180);
    lat0 = c(lat0, -90, 90); lat1 = c(lat1, -90, 90);
    return [lon0, lat0, lon1, lat1].map((n) => n.toFixed(4)).join(',');
  }

  async function loadEvents() {
    const seq = ++state.loadSeq;
    const q = filters(true);
    q.set('bbox', bboxParam());
    q.set('limit', '1000');
    updateLinks();
    try {
      const r = await api('/api/events?' + q.toString());
      if (seq !== state.loadSeq) return;
      state.events = r.events;
      const undated = r.events.filter((e) => !e.date_start).length;
      $('map-status').textContent = r.events.length + ' events in view' +
        (undated ? ' (' + undated + ' undated)' : '') +
        (r.more ? ' (the newest 1000: zoom in or narrow the filters for the rest)' : '');
      drawMarkers();
    } catch (e) {
      if (seq === state.loadSeq) $('map-status').textContent = 'could not load events: ' + e.message;
    }
  }

  // Clusters located events on a screen grid of CELL pixels.
  const CELL = 44;
  function clusters() {
    const cell = CELL / pxPerUnit();
    const groups = new Map();
    for (const e of state.events) {
      if (e.lat === null || e.lon === null || e.lat === undefined) continue;
      const [x, y] = project(e.lon, e.lat);
      const key = Math.floor(x / cell) + ':' + Math.floor(y / cell);
      let g = groups.get(key);
      if (!g) { g = { x: 0, y: 0, events: [], domains: {} }; groups.set(key, g); }
      g.x += x; g.y += y;
      g.events.push(e);
      g.domains[e.domain] = (g.domains[e.domain] || 0) + 1;
    }
    return [...groups.values()].map((g) => {
      const n = g.events.length;
      const domain = Object.entries(g.domains).sort((a, b) => b[1] - a[1])[0][0];
      return { x: g.x / n, y: g.y / n, events: g.events, domain };
    });
  }
  function drawMarkers() {
    // A hidden map has no size to draw to; showing it again redraws.
    if ($('workbench').hidden) return;
    const layer = $('markers');
    clear(layer);
    const unit = 1 / pxPerUnit();
    for (const c of clusters()) {
      const n = c.events.length;
      const rpx = n === 1 ? 6 : Math.min(22, 8 + 3 * Math.sqrt(n));
      const circle = svg('circle', {
        cx: c.x.toFixed(4), cy: c.y.toFixed(4), r: (rpx * unit).toFixed(5),
        'stroke-width': (1.5 * unit).toFixed(5),
        class: 'marker d-' + c.domain, 'data-count': n, tabindex: 0, role: 'button',
      });
      const title = svg('title', {});
      title.textContent = n === 1 ? c.events[0].type + ' — ' + (c.events[0].date_start || 'undated') : n + ' events';
      circle.append(title);
      circle.addEventListener('click', () => openCluster(c));
      circle.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') openCluster(c); });
      layer.append(circle);
      if (n > 1) {
        const t = svg('text', { x: c.x.toFixed(4), y: c.y.toFixed(4), 'font-size': (11 * unit).toFixed(5) });
        t.textContent = String(n);
        layer.append(t);
      }
    }
  }

  // ---- evidence -------------------------------------------------------------

  function eventLine(e) {
    return el('li', { 'data-event': e.id, 'data-document': e.document_id },
      el('span', { class: 'dom d-' + e.domain }, e.domain),
      e.type.replace(/_/g, ' ') + ' · ' + e.modality + ' · ' + (e.date_start || 'undated') + ' · ',
      dataSpan(e.title || e.source));
  }
  function openCluster(c) {
    if (c.events.length === 1) { openEvidence(c.events[0].document_id, c.events[0].id); return; }
    const box = $('evidence');
    clear(box);
    box.append(el('h3', {}, c.events.length + ' events here'));
    const ul = el('ul', { class: 'events' });
    for (const e of c.events.slice(0, 200)) {
      const li = eventLine(e);
      li.addEventListener('click', () => openEvidence(e.document_id, e.id));
      ul.append(li);
    }
    box.append(ul);
  }
  function eventMeta(ev) {
    return el('p', { class: 'meta' },
      el('span', { class: 'dom d-' + ev.domain }, ev.domain),
      ev.type.replace(/_/g, ' ') + ' · ' + ev.modality + ' · ' + (ev.date_start || 'undated') +
      (ev.date_end && ev.date_end !== ev.date_start ? ' to ' + ev.date_end : '') +
      ' · confidence ' + ev.confidence.toFixed(2));
  }
  // Quotes the evidence of an event (eventId) or the sentence of a search
  // hit (hit.sentence) highlighted in its document: one way to every source
  // sentence, whichever screen asked.
  async function openEvidence(documentId, eventId, hit) {
    const box = $('evidence');
    clear(box);
    box.append(el('p', { class: 'hint' }, 'Loading document ' + documentId + '…'));
    let doc;
    try {
      doc = await api('/api/documents/' + encodeURIComponent(documentId));
    } catch (e) {
      clear(box);
      box.append(el('p', { class: 'error' }, 'Could not load the document: ' + e.message));
      return;
    }
    const ev = eventId === null || eventId === undefined ? null : (doc.events || []).find((x) => x.id === eventId);
    clear(box);
    const head = el('h3', {}, dataSpan(doc.title || doc.source));
    box.append(head);
    box.append(el('p', { class: 'meta' },
      'Document ' + doc.id + ' · ', dataSpan(doc.source), ' · published ' + (doc.published || 'unknown')));
    const text = Array.from(doc.text || '');
    let span = null;
    if (ev) {
      span = { start: ev.evidence_start, end: ev.evidence_end, quote: ev.evidence_text };
      box.append(eventMeta(ev));
    } else if (hit) {
      const s = hit.sentence;
      if (s) span = { start: s.start, end: s.end, quote: s.text };
      box.append(el('p', { class: 'meta', id: 'hit-note' }, 'Search result for “', dataSpan(hit.q), '”' +
        (s ? ': the sentence holding the first match.' : ': the words are in the title; the text is shown whole.')));
      // The events extracted from that sentence, if any.
      for (const x of doc.events || []) {
        if (s && x.evidence_start < s.end && x.evidence_end > s.start) box.append(eventMeta(x));
      }
    }
    if (span) box.append(appendText(el('blockquote', { class: 'quote data', id: 'quote' }), span.quote));
    const body = el('div', { class: 'doc-text data', id: 'doc-text', dir: 'ltr' });
    if (span && span.start >= 0 && span.end <= text.length && span.start < span.end) {
      appendText(body, text.slice(0, span.start).join(''));
      const mark = appendText(el('mark', { id: 'evidence-mark' }), text.slice(span.start, span.end).join(''));
      body.append(mark);
      appendText(body, text.slice(span.end).join(''));
      box.append(body);
      mark.scrollIntoView({ block: 'nearest' });
    } else {
      appendText(body, text.join(''));
      box.append(body);
    }
  }

  // ---- indicator board --------------------------------------------------------

  async function loadBoard() {
    const seq = ++state.boardSeq;
    const q = new URLSearchParams();
    q.set('campaign', $('campaign').value || 'russia-belarus');
    const t = timeRange();
    if (t.to) q.set('to', t.to);
    try {
      const board = await api('/api/indicators?' + q.toString());
      if (seq !== state.boardSeq) return;
      state.board = board;
      renderBoard();
    } catch (e) {
      if (seq !== state.boardSeq) return;
      clear($('board'));
      $('board').append(el('p', { class: 'error' }, 'Could not assess: ' + e.message));
    }
  }
  function renderBoard() {
    const board = $('board'), alerts = $('alerts');
    clear(board); clear(alerts);
    const b = state.board;
    if (!b) return;
    const changes = b.changes || [];
    if (changes.length) {
      const box = el('div', { class: 'alert', id: 'changes' },
        el('strong', {}, changes.length + ' change' + (changes.length > 1 ? 's' : '') +
          (b.changes_since ? ' since ' + b.changes_since : '')));
      const ul = el('ul', {});
      for (const c of changes.slice(0, 20)) ul.append(el('li', {}, dataSpan(c.summary)));
      box.append(ul);
      alerts.append(box);
    }
    const domain = $('domain').value;
    const rows = (b.indicators || []).filter((i) => !domain || i.domain === domain);
    if (!rows.length) board.append(el('p', { class: 'hint' }, 'No indicators for this filter.'));
    for (const i of rows) {
      const row = el('div', { class: 'indicator' + (state.selectedIndicator === i.id ? ' selected' : ''), 'data-indicator': i.id },
        el('span', { class: 'badge s-' + i.status }, i.status.replace(/_/g, ' ')),
        el('span', { class: 'dom d-' + i.domain }, i.domain),
        dataSpan(i.statement),
        el('span', { class: 'meta' }, ' · ' + i.sources + ' source' + (i.sources === 1 ? '' : 's')));
      row.addEventListener('click', () => openIndicator(i));
      board.append(row);
    }
  }
  function openIndicator(i) {
    state.selectedIndicator = i.id;
    renderBoard();
    const box = $('evidence');
    clear(box);
    box.append(el('h3', {}, dataSpan(i.statement)));
    if (i.judgement && i.judgement.text) box.append(el('p', {}, dataSpan(i.judgement.text)));
    if (!i.evidence.length) { box.append(el('p', { class: 'hint' }, 'No evidence yet.')); return; }
    const ul = el('ul', { class: 'events' });
    for (const e of i.evidence) {
      const li = el('li', { 'data-event': e.event, 'data-document': e.document },
        (e.date || 'undated') + ' · ' + e.modality + ' · ', dataSpan(e.quote));
      li.addEventListener('click', () => openEvidence(e.document, e.event));
      ul.append(li);
    }
    box.append(ul);
  }

  // ---- screens ---------------------------------------------------------------

  // The map, the search and the catalogue: one shown at a time. The
  // evidence pane goes with the map or the search, so a search hit is
  // quoted by the same code as an event.
  function showScreen(id) {
    for (const b of document.querySelectorAll('#screens button')) {
      const on = b.getAttribute('data-screen') === id;
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      $(b.getAttribute('data-screen')).hidden = !on;
    }
    $('filters').hidden = id !== 'workbench';
    const home = id === 'search-screen' ? $('search-evidence-home') : $('evidence-home');
    if ($('evidence').parentNode !== home) home.append($('evidence'));
    if (id === 'workbench' && state.stats) drawMarkers();
  }
  for (const b of document.querySelectorAll('#screens button')) {
    b.addEventListener('click', () => {
      const id = b.getAttribute('data-screen');
      showScreen(id);
      const first = { 'search-screen': 'search-q', 'catalogue-screen': 'catalogue-q' }[id];
      if (first) $(first).focus();
    });
  }

  // ---- search ------------------------------------------------------------------

  // A snippet with the matched words (between U+E000 and U+E001) marked.
  function snippetSpan(snippet) {
    const out = el('span', { class: 'snippet data', dir: 'ltr' });
    let marked = false;
    for (const part of (snippet || '').split(/([\ue000\ue001])/)) {
      if (part === '\ue000') { marked = true; continue; }
      if (part === '\ue001') { marked = false; continue; }
      if (part) out.append(marked ? appendText(el('mark', {}), part) : appendText(document.createDocumentFragment(), part));
    }
    return out;
  }
  // A screen's status line: the message and its class (hint, empty,
  // found, error).
  function statusMessage(id, text, cls) {
    const status = $(id);
    status.className = cls || '';
    status.textContent = text;
  }
  function searchMessage(text, cls) { statusMessage('search-status', text, cls); }
  async function runSearch() {
    const q = $('search-q').value.trim();
    const seq = ++state.searchSeq;
    const list = $('search-results');
    clear(list);
    // A new search: the sentence of the last one's result goes.
    const box = $('evidence');
    if (box.parentNode === $('search-evidence-home')) {
      clear(box);
      box.append(el('p', { class: 'hint' }, 'Choose a result to see its sentence.'));
    }
    if (!q) { searchMessage('Type a word or more to search for.', 'hint'); return; }
    searchMessage('Searching…', 'hint');
    let r;
    try {
      r = await api('/api/search?' + new URLSearchParams({ q, limit: '100' }));
    } catch (e) {
      if (seq === state.searchSeq) searchMessage('The search failed: ' + e.message, 'error');
      return;
    }
    if (seq !== state.searchSeq) return;
    if (!r.hits.length) {
      searchMessage('No document holds every word of “' + q + '”. Try fewer or other words.', 'empty');
      return;
    }
    const n = r.hits.length;
    searchMessage(n + (n === 1 ? ' document matches' : ' documents match') + (n === 100 ? ' (the best 100)' : '') +
      '. Choose one to see the sentence in its document.', 'found');
    for (const h of r.hits) {
      h.q = r.q;
      const btn = el('button', { type: 'button', class: 'hit', 'data-document': h.id },
        el('span', { class: 'hit-title' }, dataSpan(h.title || h.source)),
        el('span', { class: 'meta' }, dataSpan(h.source),
          ' · ' + (h.published ? 'published ' + h.published : 'date unknown') + ' · document ' + h.id),
        snippetSpan(h.snippet),
        h.sentence ? null : el('span', { class: 'meta' }, 'matched in the title'));
      btn.addEventListener('click', () => {
        for (const b of list.querySelectorAll('button.hit')) b.removeAttribute('aria-current');
        btn.setAttribute('aria-current', 'true');
        openEvidence(h.id, null, h);
      });
      list.append(el('li', {}, btn));
    }
  }
  $('search-form').addEventListener('submit', (ev) => { ev.preventDefault(); runSearch(); });

  // ---- catalogue -------------------------------------------------------------------

  function canEdit() {
    return !!state.me && (state.me.role === 'analyst' || state.me.role === 'admin');
  }
  function resetCatalogue() {
    $('catalogue-role').textContent = canEdit()
      ? 'You can edit entities: later uploads, and documents extracted again, use the edits.'
      : 'Read only: editing the catalogue needs the analyst role.';
    state.entity = null;
    clear($('catalogue-results'));
    $('catalogue-status').textContent = '';
    clear($('entity'));
    $('entity').append(el('p', { class: 'hint' }, 'Look an entity up, then choose it to see it.'));
  }
  function catalogueMessage(text, cls) { statusMessage('catalogue-status', text, cls); }
  async function lookUp() {
    const q = $('catalogue-q').value.trim();
    const list = $('catalogue-results');
    clear(list);
    if (!q) { catalogueMessage('Type an entity ID (such as org:CSTO) or part of a name.', 'hint'); return; }
    catalogueMessage('Looking up…', 'hint');
    let r;
    try {
      r = await api('/api/catalogue/entities?' + new URLSearchParams({ q, limit: '50' }));
    } catch (e) {
      catalogueMessage('The look-up failed: ' + e.message, 'error');
      return;
    }
    state.kinds = r.kinds || [];
    state.languages = r.languages || [];
    if (!r.entities.length) {
      catalogueMessage('No catalogue entity has “' + q + '” in its ID, name or aliases.', 'empty');
      return;
    }
    catalogueMessage(r.total + (r.total === 1 ? ' entity' : ' entities') +
      (r.total > r.entities.length ? ', the first ' + r.entities.length + ' shown' : '') + '.', 'found');
    for (const e of r.entities) {
      const btn = el('button', { type: 'button', class: 'entity-choice', 'data-entity': e.id },
        dataSpan(e.name), ' ', el('code', {}, e.id),
        el('span', { class: 'meta' }, ' · ' + e.kind + (e.country ? ' · ' + e.country : '') + (e.edited ? ' · edited' : '')));
      btn.addEventListener('click', () => {
        // Already open (the look-up opens an exact match): keep any edits.
        if (state.entity && state.entity.entity.id === e.id && $('entity').querySelector('h3')) {
          const first = $('entity').querySelector('input, select, textarea');
          if (first) first.focus();
          return;
        }
        openEntity(e.id);
      });
      list.append(el('li', {}, btn));
    }
    const exact = r.entities.find((e) => e.id.toLowerCase() === q.toLowerCase()) ||
      (r.entities.length === 1 ? r.entities[0] : null);
    if (exact) openEntity(exact.id);
  }
  $('catalogue-find').addEventListener('submit', (ev) => { ev.preventDefault(); lookUp(); });

  async function openEntity(id, notice) {
    const seq = ++state.entitySeq;
    const box = $('entity');
    clear(box);
    box.append(el('p', { class: 'hint' }, 'Loading ' + id + '…'));
    let r;
    try {
      r = await api('/api/catalogue/entities/' + encodeURIComponent(id));
    } catch (e) {
      if (seq !== state.entitySeq) return;
      clear(box);
      if (notice) box.append(notice);
      box.append(el('p', { class: 'error' }, 'Could not load ' + id + ': ' + e.message));
      return;
    }
    if (seq !== state.entitySeq) return;
    for (const b of document.querySelectorAll('#catalogue-results button')) {
      if (b.getAttribute('data-entity') === id) b.setAttribute('aria-current', 'true'); else b.removeAttribute('aria-current');
    }
    state.entity = r;
    renderEntity(r, notice);
  }

  // Fields with inputs of their own; anything else is edited as JSON.
  const OWN_FIELDS = ['id', 'kind', 'name', 'country', 'parent', 'lat', 'lon', 'note', 'sources', 'aliases', 'metonyms', 'demonyms'];
  const LIST_FIELDS = [['metonyms', 'Metonyms'], ['demonyms', 'Demonyms and adjectives'], ['sources', 'Sources']];
  const TEXT_FIELDS = [['country', 'Country (entity ID)'], ['parent', 'Parent (entity ID)'], ['lat', 'Latitude'], ['lon', 'Longitude']];
  function otherFields(e) {
    const other = {};
    for (const [k, v] of Object.entries(e)) if (!OWN_FIELDS.includes(k)) other[k] = v;
    return other;
  }

  function renderEntity(r, notice) {
    const e = r.entity;
    const box = $('entity');
    clear(box);
    box.append(el('h3', {}, dataSpan(e.name), ' ', el('code', {}, e.id)));
    box.append(el('p', { class: 'meta', id: 'entity-provenance' }, e.kind + ' · ' + (r.edited
      ? 'edited by ' + r.edited.updated_by + ' at ' + r.edited.updated_at
      : 'as compiled in (not edited)')));
    if (notice) box.append(notice);
    if (canEdit()) box.append(entityForm(r)); else box.append(entityView(e));
  }

  // Viewers: the entity as text, no controls.
  function entityView(e) {
    const dl = el('dl', { class: 'entity-view', id: 'entity-view' });
    const row = (label, ...value) => { dl.append(el('dt', {}, label), el('dd', {}, ...value)); };
    row('Kind', e.kind);
    row('Name', dataSpan(e.name));
    for (const [lang, names] of Object.entries(e.aliases || {})) row('Aliases (' + lang + ')', dataSpan(names.join(' · ')));
    for (const [k, label] of LIST_FIELDS) if (e[k] && e[k].length) row(label, dataSpan(e[k].join(' · ')));
    for (const [k, label] of TEXT_FIELDS) if (e[k] !== undefined) row(label, dataSpan(String(e[k])));
    if (e.note) row('Note', dataSpan(e.note));
    const other = otherFields(e);
    if (Object.keys(other).length) row('Other fields', el('pre', { class: 'data' }, JSON.stringify(other, null, 2)));
    const wrap = document.createDocumentFragment();
    wrap.append(dl, el('p', { class: 'hint', id: 'read-only' }, 'Read only: editing the catalogue needs the analyst role.'));
    return wrap;
  }

  function field(id, label, input, help) {
    input.setAttribute('id', id);
    if (help) input.setAttribute('aria-describedby', id + '-help');
    return el('div', { class: 'field', 'data-for': id },
      el('label', { for: id }, label), input,
      help ? el('span', { class: 'help', id: id + '-help' }, help) : null);
  }
  function lines(value) {
    return value.split('\n').map((x) => x.trim()).filter((x) => x);
  }

  // Analysts: every field the PUT takes, as inputs; the rest as JSON.
  function entityForm(r) {
    const e = r.entity;
    const form = el('form', { id: 'entity-form', novalidate: '', 'aria-describedby': 'entity-error' });
    const names = el('fieldset', {}, el('legend', {}, 'Names'));
    names.append(field('ent-name', 'Name', el('input', { type: 'text', value: e.name, required: '' })));
    const kind = el('select', {});
    for (const k of (state.kinds && state.kinds.length ? state.kinds : [e.kind])) kind.append(el('option', { value: k }, k));
    kind.value = e.kind;
    names.append(field('ent-kind', 'Kind', kind));
    form.append(names);

    const aliases = el('fieldset', { id: 'ent-aliases' }, el('legend', {}, 'Aliases, one per line'));
    const aliasList = el('div', {});
    const addAlias = (lang, values) => {
      const ta = el('textarea', { rows: String(Math.min(6, Math.max(2, values.length + 1))), 'data-lang': lang });
      ta.value = values.join('\n');
      aliasList.append(field('ent-alias-' + lang, 'Aliases (' + lang + ')', ta));
      return ta;
    };
    const order = (l) => { const i = (state.languages || []).indexOf(l); return i < 0 ? 999 : i; };
    const have = Object.keys(e.aliases || {}).sort((a, b) => order(a) - order(b));
    for (const lang of have) addAlias(lang, e.aliases[lang]);
    if (!have.includes('en')) aliasList.prepend(addAlias('en', []).closest('.field'));
    aliases.append(aliasList);
    const langs = (state.languages || []).filter((l) => !aliasList.querySelector('[data-lang="' + l + '"]'));
    if (langs.length) {
      const pick = el('select', {});
      for (const l of langs) pick.append(el('option', { value: l }, l));
      const add = el('button', { type: 'button', id: 'ent-add-lang' }, 'Add aliases in this language');
      add.addEventListener('click', () => {
        const l = pick.value;
        if (!l || aliasList.querySelector('[data-lang="' + l + '"]')) return;
        addAlias(l, []).focus();
        pick.remove(pick.selectedIndex);
        if (!pick.options.length) { pick.disabled = true; add.disabled = true; }
      });
      aliases.append(el('div', { class: 'field inline' },
        el('label', { for: 'ent-lang' }, 'Language'), Object.assign(pick, { id: 'ent-lang' }), add));
    }
    for (const [k, label] of LIST_FIELDS) {
      const ta = el('textarea', { rows: '2' });
      ta.value = (e[k] || []).join('\n');
      aliases.append(field('ent-' + k, label + ', one per line', ta));
    }
    form.append(aliases);

    const where = el('fieldset', {}, el('legend', {}, 'Where and what'));
    for (const [k, label] of TEXT_FIELDS) {
      const input = el('input', { type: 'text', value: e[k] === undefined ? '' : String(e[k]) });
      if (k === 'lat' || k === 'lon') input.setAttribute('inputmode', 'decimal');
      where.append(field('ent-' + k, label, input));
    }
    const note = el('textarea', { rows: '2' });
    note.value = e.note || '';
    where.append(field('ent-note', 'Note', note));
    const other = el('textarea', { rows: '6', class: 'json', spellcheck: 'false' });
    const o = otherFields(e);
    other.value = Object.keys(o).length ? JSON.stringify(o, null, 2) : '{}';
    where.append(field('ent-other', 'Other fields (JSON object)', other,
      'membership, contextual aliases, range_km, nuclear_capable… as in a catalogue [[entity]] table'));
    form.append(where);

    // What the API says is wrong shows here, beside Save, and at the field.
    form.append(el('div', { id: 'entity-error', class: 'form-error', role: 'alert' }));
    const actions = el('div', { class: 'actions' },
      el('button', { type: 'submit', id: 'entity-save' }, 'Save'),
      el('button', { type: 'button', id: 'entity-reset' }, 'Undo changes'));
    if (r.edited) {
      actions.append(el('button', { type: 'button', id: 'entity-revert', class: 'danger' },
        'Delete this edit'));
    }
    form.append(actions);
    form.append(el('p', { id: 'entity-saved', role: 'status', class: 'hint' }));

    form.addEventListener('submit', (ev) => { ev.preventDefault(); saveEntity(e.id); });
    form.querySelector('#entity-reset').addEventListener('click', () => renderEntity(state.entity));
    const revert = form.querySelector('#entity-revert');
    if (revert) revert.addEventListener('click', () => revertEntity(e.id));
    return form;
  }

  // Shows an error next to the form, and next to the field it names.
  function formError(message, fieldId) {
    const form = $('entity-form');
    if (!form) return;
    for (const f of form.querySelectorAll('[aria-invalid]')) f.removeAttribute('aria-invalid');
    for (const f of form.querySelectorAll('.field-error')) f.remove();
    $('entity-error').textContent = message || '';
    if (!message) return;
    const target = fieldId && $(fieldId);
    if (target) {
      target.setAttribute('aria-invalid', 'true');
      target.closest('.field').append(el('span', { class: 'field-error' }, message));
      target.focus();
    }
  }
  // Which input an API message is about, by the field it names.
  function fieldOf(message) {
    const m = message.toLowerCase();
    for (const [word, id] of [['lat', 'ent-lat'], ['lon', 'ent-lon'], ['country', 'ent-country'], ['parent', 'ent-parent'],
      ['kind', 'ent-kind'], ['alias', 'ent-alias-en'], ['language', 'ent-alias-en'], ['membership', 'ent-other'],
      ['contextual', 'ent-other'], ['name', 'ent-name']]) {
      if (new RegExp('(^|[^a-z_:])' + word + (word.length === 3 ? '(?![a-z])' : '')).test(m)) return id;
    }
    return null;
  }

  // The entity as the form says, or an error about the field that is wrong.
  function formEntity(id) {
    let other;
    try {
      other = JSON.parse($('ent-other').value.trim() || '{}');
    } catch (err) {
      return { error: 'Other fields are not JSON: ' + err.message, field: 'ent-other' };
    }
    if (!other || typeof other !== 'object' || Array.isArray(other)) {
      return { error: 'Other fields must be a JSON object ({…}).', field: 'ent-other' };
    }
    const clash = Object.keys(other).find((k) => OWN_FIELDS.includes(k));
    if (clash) return { error: 'Set “' + clash + '” with its own field, not in Other fields.', field: 'ent-other' };
    const ent = Object.assign({}, other, { id, kind: $('ent-kind').value, name: $('ent-name').value.trim() });
    if (!ent.name) return { error: 'The name is required.', field: 'ent-name' };
    const aliases = {};
    for (const ta of $('entity-form').querySelectorAll('textarea[data-lang]')) {
      const names = lines(ta.value);
      if (names.length) aliases[ta.getAttribute('data-lang')] = names;
    }
    ent.aliases = aliases;
    for (const [k] of LIST_FIELDS) {
      const v = lines($('ent-' + k).value);
      if (v.length) ent[k] = v;
    }
    for (const [k] of TEXT_FIELDS) {
      const v = $('ent-' + k).value.trim();
      if (!v) continue;
      if (k === 'lat' || k === 'lon') {
        const x = Number(v);
        if (!Number.isFinite(x)) return { error: (k === 'lat' ? 'Latitude' : 'Longitude') + ' must be a number.', field: 'ent-' + k };
        ent[k] = x;
      } else {
        ent[k] = v;
      }
    }
    const note = $('ent-note').value.trim();
    if (note) ent.note = note;
    return { entity: ent };
  }

  async function saveEntity(id) {
    const made = formEntity(id);
    if (made.error) { formError(made.error, made.field); return; }
    formError('');
    const save = $('entity-save');
    save.disabled = true;
    $('entity-saved').textContent = 'Saving…';
    try {
      await api('/api/catalogue/entities/' + encodeURIComponent(id), {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(made.entity),
      });
    } catch (e) {
      save.disabled = false;
      $('entity-saved').textContent = '';
      formError((e.status === 403 ? 'Not allowed: ' : 'Not saved: ') + e.message, fieldOf(e.message));
      return;
    }
    openEntity(id, extractNotice('Saved.'));
  }

  async function revertEntity(id) {
    formError('');
    try {
      await api('/api/catalogue/entities/' + encodeURIComponent(id), { method: 'DELETE' });
    } catch (e) {
      formError('Could not delete the edit: ' + e.message);
      return;
    }
    openEntity(id, extractNotice('The edit is deleted: the compiled-in entity applies again.'));
  }

  // After an edit: documents extracted before it can be extracted again.
  function extractNotice(text) {
    const out = el('div', { class: 'notice', id: 'entity-notice', role: 'status' },
      el('p', {}, text + ' Uploads from now on are extracted with it; documents extracted before still show the old extraction.'));
    const btn = el('button', { type: 'button', id: 'reextract' }, 'Extract those documents again');
    const said = el('p', { id: 'reextract-status', class: 'meta' });
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      said.textContent = 'Extracting…';
      let documents = 0, events = 0;
      try {
        for (let round = 0; round < 100; round++) {
          const r = await api('/api/extract?limit=200', { method: 'POST' });
          documents += r.extracted; events += r.events;
          said.textContent = 'Extracted ' + documents + ' documents again (' + events + ' events)' +
            (r.remaining ? ', ' + r.remaining + ' to go…' : '.');
          if (!r.remaining || !r.extracted) break;
        }
      } catch (e) {
        said.textContent = 'Extraction failed: ' + e.message;
      }
      btn.disabled = false;
    });
    out.append(btn, said);
    return out;
  }

  // ---- start ----------------------------------------------------------------

  function fillSelect(id, values, keep) {
    const s = $(id);
    const current = keep ? s.value : '';
    while (s.options.length > (id === 'campaign' ? 0 : 1)) s.remove(s.options.length - 1);
    for (const [value, label] of values) s.append(el('option', { value }, label));
    if (current) s.value = current;
  }
  let started = false;
  async function start() {
    let me;
    try { me = await api('/api/me'); } catch (_) { return; }
    state.me = me;
    $('sign-in').hidden = true;
    $('screens').hidden = false;
    showScreen('workbench');
    $('sign-out').hidden = false;
    $('who').textContent = me.name + ' (' + me.role + ')';
    resetCatalogue();
    const [stats, packs] = await Promise.all([api('/api/stats'), api('/api/campaigns')]);
    state.stats = stats;
    fillSelect('domain', stats.domains.map((d) => [d, d]), true);
    fillSelect('type', stats.types.map((t) => [t.type, t.type.replace(/_/g, ' ')]), true);
    fillSelect('modality', stats.modalities.map((m) => [m, m]), true);
    fillSelect('campaign', packs.campaigns.map((c) => [c.name, c.title]), true);
    if ([...$('campaign').options].some((o) => o.value === 'russia-belarus')) $('campaign').value = 'russia-belarus';
    setupTime(stats);
    if (!started) { setupMapInput(); started = true; }
    fitStart();
    await loadBasemap();
    await loadEvents();
    document.body.setAttribute('data-ready', 'map');
    loadBoard().then(() => document.body.setAttribute('data-board', 'ready'));
  }
  start();
})();
