// End-to-end check of the dashboard in headless Debian Chromium, driven by
// playwright-core (no browser download): a real `watchfloor serve` on
// loopback over a database holding a hostile document and an undated one;
// the map must draw markers and cluster them, pan and zoom, the time slider
// must filter them while keeping undated events (unless unticked), a marker
// or indicator click must quote the evidence highlighted in its document,
// the hostile text must stay inert, the report and export links must follow
// the filters and work, sign-out must end the session, and nothing may be
// fetched from anywhere but the server. The search screen must find a
// fixture word, quote the hit's sentence highlighted in its document, and
// say so when nothing matches or the API refuses; the catalogue screen must
// be read-only for a viewer and let an analyst edit an entity's aliases
// (validation errors shown by the form, the saved alias returned by the
// API and used by a re-extraction, the edit deleted again). Screenshots:
// target/dashboard*.png.
//
// usage: node dashboard.test.mjs path/to/watchfloor path/to/fixture.jsonl OUT_DIR
// (undated.jsonl beside the fixture is ingested too)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';

const [bin, fixture, outDir] = process.argv.slice(2);
if (!bin || !fixture || !outDir) {
  console.error('usage: node dashboard.test.mjs WATCHFLOOR FIXTURE OUT_DIR');
  process.exit(2);
}
const fail = (msg) => { throw new Error(msg); };
const dir = mkdtempSync(join(tmpdir(), 'wf-dash-'));
const db = join(dir, 'w.db');
const run = (...args) => execFileSync(bin, ['--db', db, ...args], { encoding: 'utf8' });
run('ingest', fixture, join(dirname(fixture), 'undated.jsonl'));
run('extract');
const token = run('tokens', 'create', '--role', 'viewer', '--name', 'browser').trim();
if (!/^wf_[0-9a-f]{64}$/.test(token)) fail('tokens create must print the token alone, got ' + token);
const analystToken = run('tokens', 'create', '--role', 'analyst', '--name', 'ana').trim();

// Starts `serve` on a free loopback port; resolves with the base URL and
// what it printed (waiting for the sign-in URL when `signInLine`).
const serve = (database, signInLine) => {
  const child = spawn(bin, ['--db', database, 'serve', '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m && (!signInLine || /\?token=wf_[0-9a-f]{64}\n/.test(out))) {
        // Give a sign-in line that should not come the time to show up.
        setTimeout(() => resolve({ base: m[1], out }), signInLine ? 0 : 300);
      }
    });
    child.on('exit', (c) => reject(new Error('server exited ' + c)));
    setTimeout(() => reject(new Error('server did not start: ' + out)), 15000);
  });
  return { child, ready };
};

// A first start on a database without tokens makes an admin token and
// prints a sign-in URL carrying it, which starts a session.
const first = serve(join(dir, 'first.db'), true);
try {
  const { out } = await first.ready;
  const m = out.match(/(http:\/\/127\.0\.0\.1:\d+\/\?token=wf_[0-9a-f]{64})\n/);
  if (!m) fail('a first start should print a sign-in URL with a token, printed: ' + out);
  const r = await fetch(m[1], { redirect: 'manual' });
  const cookie = r.headers.get('set-cookie') || '';
  if (r.status !== 303 || !/^watchfloor_session=wfs_[0-9a-f]{64};.*HttpOnly; SameSite=Strict/.test(cookie)) {
    fail(`the first sign-in URL should start a session: ${r.status} ${cookie}`);
  }
  const me = await fetch(new URL('/api/me', m[1]), { headers: { cookie: cookie.split(';')[0] } });
  if ((await me.json()).role !== 'admin') fail('the first token should be an admin token');
} finally {
  first.child.kill('SIGINT');
}

const main = serve(db, false);
const server = main.child;
let browser;
const started = Date.now();
try {
  const { base, out: printed } = await main.ready;
  if (/token=/.test(printed)) fail('with tokens made, serve must not make or print another: ' + printed);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const external = [];
  const problems = [];
  // Every request of every page (the report opens in a new one).
  context.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base + '/') && !u.startsWith('data:')) external.push(u);
  });
  // Drops the console's "Failed to load resource" lines of refusals a step
  // asked for on purpose (a 400 or 403 the page then shows).
  const expected = (status) => {
    for (let i = problems.length - 1; i >= 0; i--) {
      if (problems[i].includes('status of ' + status)) problems.splice(i, 1);
    }
  };
  const watch = (p) => {
    p.on('dialog', (d) => { problems.push('dialog opened: ' + d.message()); d.dismiss(); });
    p.on('pageerror', (e) => problems.push('page error: ' + e.message));
    p.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
  };
  watch(page);
  const circles = page.locator('#markers circle');
  const counts = () => page.$$eval('#markers circle', (cs) => cs.map((c) => Number(c.getAttribute('data-count'))));
  const titles = () => page.$$eval('#markers circle title', (ts) => ts.map((t) => t.textContent));
  const status = () => page.locator('#map-status').textContent();
  const changed = (sel, before) => page.waitForFunction(
    ([s, b]) => document.querySelector(s).textContent !== b, [sel, before], { timeout: 5000 });

  // Without a session the sign-in form shows.
  await page.goto(base + '/');
  await page.waitForSelector('#sign-in:not([hidden])', { timeout: 10000 });
  problems.length = 0; // the 401 that brought the form up was expected

  // The sign-in URL starts a session and redirects to the dashboard.
  const t0 = Date.now();
  await page.goto(base + '/?token=' + token);
  if (new URL(page.url()).search) fail('sign-in URL should redirect to / (token left in the address bar)');
  await page.waitForSelector('body[data-ready="map"]', { timeout: 10000 });
  const firstRender = Date.now() - t0;
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'watchfloor_session');
  if (!session || !session.httpOnly || session.sameSite !== 'Strict') fail('session cookie not HttpOnly/Strict: ' + JSON.stringify(cookies));
  if (session.value === token || !session.value.startsWith('wfs_')) fail('the cookie must hold a session, not the token');
  const countries = await page.locator('#countries path').count();
  if (countries < 10) fail('basemap not drawn: ' + countries + ' country paths');
  const markers = await circles.count();
  if (markers < 2) fail('expected markers on the map, got ' + markers);
  const events = (await counts()).reduce((a, b) => a + b, 0);
  if (events !== 4) fail('expected the 4 events (3 dated, 1 undated) in the markers, got ' + events);
  if (!(await status()).includes('4 events in view (1 undated)')) fail('status: ' + (await status()));
  // The undated exercise and the agreement are both at Minsk: one cluster.
  if (!(await counts()).some((n) => n >= 2)) fail('no clustered marker: ' + JSON.stringify(await counts()));
  if (!(markers < events)) fail(`clustering should draw fewer markers than events (${markers} for ${events})`);
  await page.waitForSelector('body[data-board="ready"]', { timeout: 20000 });
  const indicators = await page.locator('#board .indicator').count();
  if (indicators < 1) fail('indicator board is empty');
  await page.screenshot({ path: join(outDir, 'dashboard.png') });

  // Zooming out clusters every Belarusian event into one marker; pan moves
  // the view; zooming back in splits them again.
  const viewBox = () => page.locator('#map').getAttribute('viewBox');
  for (let i = 0; i < 4; i++) await page.click('#zoom-out');
  await page.waitForFunction(() => document.querySelectorAll('#markers circle').length === 1, null, { timeout: 5000 })
    .catch(async () => fail('zoomed out, expected one cluster, got ' + JSON.stringify(await counts())));
  if ((await counts())[0] !== events) fail('the one cluster should hold every event: ' + JSON.stringify(await counts()));
  for (let i = 0; i < 4; i++) await page.click('#zoom-in');
  const vb0 = await viewBox();
  const box = await page.locator('#map').boundingBox();
  await page.mouse.move(box.x + 40, box.y + 40);
  await page.mouse.down();
  await page.mouse.move(box.x + 140, box.y + 90, { steps: 5 });
  await page.mouse.up();
  if ((await viewBox()) === vb0) fail('dragging the map did not pan it');
  for (let i = 0; i < 4; i++) await page.click('#zoom-in');
  for (let i = 0; i < 4; i++) await page.click('#zoom-out');
  await page.mouse.move(box.x + 140, box.y + 90);
  await page.mouse.down();
  await page.mouse.move(box.x + 40, box.y + 40, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction((n) => {
    const cs = [...document.querySelectorAll('#markers circle')];
    return cs.reduce((a, c) => a + Number(c.getAttribute('data-count')), 0) === n;
  }, events, { timeout: 5000 }).catch(async () => fail('after pan and zoom back, markers: ' + JSON.stringify(await counts())));

  // Drag the "to" end of the time slider to the first month: later events
  // go, the undated one stays (include undated is on by default).
  if (!(await page.locator('#undated').isChecked())) fail('"include undated" should be on by default');
  let before = await status();
  await page.focus('#to');
  await page.keyboard.press('Home');
  await changed('#map-status', before);
  const label = await page.locator('#time-label').textContent();
  const afterSlider = (await counts()).reduce((a, b) => a + b, 0);
  if (!(afterSlider < events)) fail(`time slider did not filter markers (${events} -> ${afterSlider}, ${label})`);
  if (!(await titles()).some((t) => t.includes('exercise') && t.includes('undated'))) {
    fail('the undated event vanished when the time slider moved: ' + JSON.stringify(await titles()));
  }
  await page.screenshot({ path: join(outDir, 'dashboard-slider.png') });
  // The report and export links follow the time range and filters.
  const href = (id) => page.locator('#' + id).getAttribute('href');
  const reportHref = await href('report-link');
  if (!/campaign=russia-belarus/.test(reportHref) || !/to=2021-09-30/.test(reportHref)) fail('report link ignores the filters: ' + reportHref);
  const csvHref = await href('csv-link');
  if (!csvHref.startsWith('/api/export/events.csv?') || !/to=2021-09-30/.test(csvHref) || !/undated=include/.test(csvHref)) fail('CSV link ignores the filters: ' + csvHref);
  if (!(await href('export-link')).includes('to=2021-09-30')) fail('GeoJSON link ignores the filters');
  // Unticked, undated events go too.
  before = await status();
  await page.uncheck('#undated');
  await changed('#map-status', before);
  const dated = (await counts()).reduce((a, b) => a + b, 0);
  if (dated !== afterSlider - 1) fail(`unticking "include undated" should drop the undated event (${afterSlider} -> ${dated})`);
  if (!(await href('csv-link')).includes('undated=exclude')) fail('CSV link ignores the undated toggle');
  await page.check('#undated');
  await page.focus('#to');
  await page.keyboard.press('End');
  await page.waitForFunction((n) => [...document.querySelectorAll('#markers circle')]
    .reduce((a, c) => a + Number(c.getAttribute('data-count')), 0) === n, events, { timeout: 5000 });

  // The exports answer with what the links say (the session cookie is enough).
  await page.selectOption('#type', 'deployment');
  await page.waitForFunction(() => document.querySelector('#csv-link').getAttribute('href').includes('type=deployment'), null, { timeout: 5000 });
  const csv = await page.evaluate(async () => {
    const r = await fetch(document.querySelector('#csv-link').getAttribute('href'), { credentials: 'same-origin' });
    return { status: r.status, text: await r.text() };
  });
  if (csv.status !== 200 || !csv.text.startsWith('event_date,') || !csv.text.includes('deployment') || csv.text.includes('agreement_signed')) {
    fail('CSV export through the link: ' + csv.status + ' ' + csv.text.slice(0, 300));
  }
  const geo = await page.evaluate(async () => {
    const r = await fetch(document.querySelector('#export-link').getAttribute('href'), { credentials: 'same-origin' });
    return r.json();
  });
  if (geo.type !== 'FeatureCollection' || geo.features.length !== 1) fail('GeoJSON export through the link: ' + JSON.stringify(geo).slice(0, 300));
  await page.selectOption('#type', '');
  await page.waitForFunction((n) => [...document.querySelectorAll('#markers circle')]
    .reduce((a, c) => a + Number(c.getAttribute('data-count')), 0) === n, events, { timeout: 5000 });

  // The report opens from its link, in a new tab, and runs no script.
  const [report] = await Promise.all([context.waitForEvent('page'), page.click('#report-link')]);
  watch(report);
  await report.waitForLoadState('load');
  const reportTitle = await report.locator('h1').first().textContent();
  if (!/Russia|Belarus/.test(reportTitle)) fail('report did not open: ' + reportTitle);
  if (await report.locator('script').count()) fail('the report holds a script element');
  const hostileInReport = await report.locator('body').textContent();
  if (!hostileInReport.includes('<script>alert("x")</script>')) fail('the hostile evidence should be quoted as text in the report');
  await report.screenshot({ path: join(outDir, 'dashboard-report.png') });
  await report.close();

  // Zoom in on Belarus so every event has its own marker, then open the
  // deployment at Baranovichi (26.0 E, 53.1 N), whose sentence is hostile.
  for (let i = 0; i < 3; i++) await page.click('#zoom-in');
  await page.waitForTimeout(400);
  if (!((await circles.count()) >= markers)) fail('zooming in should not merge markers');
  await page.screenshot({ path: join(outDir, 'dashboard-zoomed.png') });
  const n = await circles.count();
  let opened = false;
  for (let i = 0; i < n && !opened; i++) {
    await circles.nth(i).click();
    const item = page.locator('#evidence li').first();
    if (await item.count()) await item.click();
    await page.waitForSelector('#evidence #doc-text', { timeout: 5000 });
    opened = ((await page.locator('#quote').textContent()) || '').includes('<script>');
  }
  if (!opened) fail('no marker opened the hostile deployment evidence');
  const quote = await page.locator('#quote').textContent();
  const mark = await page.locator('#evidence-mark').textContent();
  if (!mark.includes('deployed troops to Baranovichi')) fail('evidence not highlighted in its document: ' + mark);
  if (!quote.includes('onerror=alert(1)')) fail('quote lost its text: ' + quote);
  const injected = await page.locator('#evidence script, #evidence img, #evidence b, #board script').count();
  if (injected) fail('hostile markup became elements: ' + injected);
  const bidi = await page.locator('#quote .ctl').allTextContents();
  if (!bidi.includes('U+202E')) fail('right-to-left override not shown inert: ' + JSON.stringify(bidi));
  const title = await page.locator('#evidence h3').textContent();
  if (title !== '<b>Zapad</b> "report" & notes') fail('title not shown verbatim: ' + title);
  await page.locator('#evidence').scrollIntoViewIfNeeded();
  await page.mouse.move(5, 5);
  await page.screenshot({ path: join(outDir, 'dashboard-evidence.png') });

  // An indicator with evidence opens it too, quoted in its document.
  const withEvidence = page.locator('#board .indicator', { hasNot: page.locator('.s-not_observed') }).first();
  if (!(await withEvidence.count())) fail('no indicator has evidence');
  await withEvidence.click();
  await page.locator('#evidence ul.events li').first().click();
  await page.waitForSelector('#evidence #evidence-mark', { timeout: 5000 });
  await page.screenshot({ path: join(outDir, 'dashboard-indicator.png') });

  // ---- Search screen -------------------------------------------------------
  // The Search tab hides the map and puts the focus in the search box; a
  // word of the fixture finds its document with source, date and the
  // matched word highlighted in the snippet.
  await page.click('#tab-search');
  if (!(await page.locator('#search-screen').isVisible())) fail('the Search tab did not show the search screen');
  if (await page.locator('#map').isVisible()) fail('the map should be hidden on the search screen');
  if ((await page.getAttribute('#tab-search', 'aria-pressed')) !== 'true') fail('the Search tab should be marked pressed');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== 'search-q') fail('the Search tab should put the focus in the search box, not ' + focused);
  if ((await page.locator('label[for="search-q"]').count()) !== 1) fail('the search box has no label');
  await page.keyboard.type('Iskander');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#search-results button.hit', { timeout: 5000 })
    .catch(async () => fail('no search result for Iskander: ' + (await page.locator('#search-status').textContent())));
  const hits = page.locator('#search-results button.hit');
  if ((await hits.count()) !== 1) fail('Iskander is in one document, results: ' + (await hits.count()));
  const hitText = await hits.first().textContent();
  if (!hitText.includes('published 2023-04-01') || !hitText.includes('<b>Zapad</b> "report" & notes')) {
    fail('a result should show its title, source and date: ' + hitText);
  }
  const marked = await page.locator('#search-results .snippet mark').allTextContents();
  if (!marked.includes('Iskander')) fail('the matched word is not highlighted in the snippet: ' + JSON.stringify(marked));
  if (!(await page.locator('#search-status').textContent()).includes('1 document matches')) {
    fail('search status: ' + (await page.locator('#search-status').textContent()));
  }
  // Opening it (by keyboard) quotes the sentence in its document, as an
  // event's evidence is quoted.
  await hits.first().focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#search-screen #evidence #evidence-mark', { timeout: 5000 })
    .catch(() => fail('opening a search result did not quote its sentence in the document'));
  const sentence = 'Belarus will host Russian Iskander missiles in Brest next year.';
  const hitMark = await page.locator('#evidence-mark').textContent();
  if (hitMark !== sentence) fail('the search result should highlight its sentence, got: ' + hitMark);
  if ((await page.locator('#quote').textContent()) !== sentence) fail('the search result should quote its sentence');
  if (!(await page.locator('#evidence #doc-text').textContent()).includes('customs code in Minsk')) fail('the whole document should be shown');
  if (!(await page.locator('#hit-note').textContent()).includes('Iskander')) fail('the evidence should say which search it answers');
  if (!(await page.locator('#evidence .dom').count())) fail('the event extracted from the sentence should be shown with it');
  await page.mouse.move(5, 5);
  await page.screenshot({ path: join(outDir, 'dashboard-search.png') });
  // The hostile sentence is found too, and its markup stays text.
  await page.fill('#search-q', 'Baranovichi');
  await page.click('#search-form button');
  await page.waitForFunction(() => (document.querySelector('#search-results .snippet mark') || {}).textContent === 'Baranovichi', null, { timeout: 5000 })
    .catch(() => fail('no highlighted result for Baranovichi'));
  await page.click('#search-results button.hit');
  await page.waitForFunction(() => (document.querySelector('#evidence-mark') || {}).textContent !== undefined &&
    document.querySelector('#evidence-mark').textContent.includes('deployed troops to Baranovichi'), null, { timeout: 5000 })
    .catch(() => fail('the Baranovichi result did not open its sentence'));
  if (!(await page.locator('#search-results .snippet').first().textContent()).includes('<script>')) fail('hostile snippet text lost');
  const injectedSearch = await page.locator('#search-screen script, #search-screen img, #search-screen b').count();
  if (injectedSearch) fail('hostile markup in search results became elements: ' + injectedSearch);
  // A word no document holds: a clear empty message and no results.
  await page.fill('#search-q', 'qzxwvkjhplm');
  await page.press('#search-q', 'Enter');
  await page.waitForSelector('#search-status.empty', { timeout: 5000 })
    .catch(async () => fail('no empty-result message: ' + (await page.locator('#search-status').textContent())));
  const emptyText = await page.locator('#search-status').textContent();
  if (!emptyText.includes('No document holds every word of “qzxwvkjhplm”')) fail('empty message: ' + emptyText);
  if (await hits.count()) fail('a nonsense word should list no results');
  await page.screenshot({ path: join(outDir, 'dashboard-search-empty.png') });
  // An error of the API (a query over 500 characters) is shown as such.
  await page.fill('#search-q', 'minsk '.repeat(100));
  await page.press('#search-q', 'Enter');
  await page.waitForSelector('#search-status.error', { timeout: 5000 })
    .catch(async () => fail('an API error should be shown: ' + (await page.locator('#search-status').textContent())));
  const errorText = await page.locator('#search-status').textContent();
  if (!errorText.includes('at most 500 characters')) fail('the API error message should be shown: ' + errorText);
  expected(400);
  // Back on the map, the markers and the evidence pane are there again.
  await page.click('#tab-map');
  await page.waitForFunction((n) => [...document.querySelectorAll('#markers circle')]
    .reduce((a, c) => a + Number(c.getAttribute('data-count')), 0) === n, events, { timeout: 5000 })
    .catch(async () => fail('back on the map, markers: ' + JSON.stringify(await counts())));
  if (!(await page.locator('#left #evidence').isVisible())) fail('the evidence pane should be back under the map');
  if (await page.locator('#search-screen').isVisible()) fail('the search screen should be hidden on the map');

  // ---- Catalogue screen, as a viewer: read only ----------------------------
  await page.click('#tab-catalogue');
  await page.keyboard.type('org:CSTO');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#entity h3 code', { timeout: 5000 })
    .catch(async () => fail('the viewer could not look org:CSTO up: ' + (await page.locator('#catalogue-pane').textContent())));
  if ((await page.locator('#entity h3 code').textContent()) !== 'org:CSTO') fail('looking up org:CSTO opened another entity');
  const controls = await page.locator('#entity input, #entity textarea, #entity select, #entity button, #entity form').count();
  if (controls) fail('a viewer should see no edit controls, found ' + controls);
  const cstoApi = await page.evaluate(async () => (await fetch('/api/catalogue/entities/org:CSTO', { credentials: 'same-origin' })).json());
  const viewText = await page.locator('#entity-view').textContent();
  if (!viewText.includes(cstoApi.entity.name) || !viewText.includes(cstoApi.entity.aliases.en[0])) fail('the entity view lacks its name or aliases: ' + viewText);
  if (!(await page.locator('#read-only').isVisible())) fail('a viewer should be told the catalogue is read only');
  // …as the API says: a viewer's edit is refused.
  const viewerPut = await page.evaluate(async (e) => (await fetch('/api/catalogue/entities/org:CSTO', {
    method: 'PUT', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(e),
  })).status, cstoApi.entity);
  if (viewerPut !== 403) fail('the API should refuse a viewer\'s edit with 403, got ' + viewerPut);
  expected(403);
  await page.screenshot({ path: join(outDir, 'dashboard-catalogue-viewer.png') });
  await page.click('#tab-map');
  await page.waitForSelector('#map', { state: 'visible', timeout: 5000 });

  // Signing out ends the session on the server: the old cookie is refused.
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in:not([hidden])', { timeout: 5000 });
  const old = await fetch(base + '/api/me', { headers: { cookie: 'watchfloor_session=' + session.value } });
  if (old.status !== 401) fail('the session still works after sign-out: ' + old.status);
  problems.length = 0; // the 401s that brought the form back were expected

  // The sign-in form: a wrong token is refused, the right one starts a new
  // session.
  await page.fill('#token', 'wf_' + '0'.repeat(64));
  await page.click('#sign-in-form button');
  await page.waitForFunction(() => document.querySelector('#sign-in-error').textContent.length > 0, null, { timeout: 5000 });
  problems.length = 0;
  await page.fill('#token', token);
  await page.click('#sign-in-form button');
  await page.waitForSelector('#workbench:not([hidden])', { timeout: 10000 });
  const who = await page.locator('#who').textContent();
  if (who !== 'browser (viewer)') fail('signed in as ' + who);
  const again = (await context.cookies()).find((c) => c.name === 'watchfloor_session');
  if (!again || again.value === session.value || !again.httpOnly) fail('the form should start a new HttpOnly session');


  // ---- Catalogue screen, as an analyst: edit an alias ----------------------
  const apiAs = async (path, options) => {
    const r = await fetch(base + path, Object.assign({}, options, { headers: { authorization: 'Bearer ' + analystToken } }));
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  };
  const ENTITY = 'org:CSTO', ALIAS = 'customs code';
  const mentions = async () => {
    const r = await apiAs('/api/entities?limit=1000');
    const e = r.body.entities.find((x) => x.id === ENTITY);
    return e ? e.mentions : 0;
  };
  if ((await mentions()) !== 0) fail(ENTITY + ' should not be mentioned in the fixture before the edit');
  const apage = await browser.newContext({ viewport: { width: 1400, height: 1100 } }).then(async (c) => {
    c.on('request', (r) => { const u = r.url(); if (!u.startsWith(base + '/') && !u.startsWith('data:')) external.push(u); });
    return c.newPage();
  });
  watch(apage);
  await apage.goto(base + '/?token=' + analystToken);
  await apage.waitForSelector('body[data-ready="map"]', { timeout: 10000 });
  await apage.click('#tab-catalogue');
  await apage.fill('#catalogue-q', 'CSTO');
  await apage.press('#catalogue-q', 'Enter');
  await apage.waitForSelector('#catalogue-results button.entity-choice[data-entity="org:CSTO"]', { timeout: 5000 })
    .catch(() => fail('looking up CSTO by name did not list org:CSTO'));
  await apage.click('#catalogue-results button.entity-choice[data-entity="org:CSTO"]');
  await apage.waitForSelector('#entity-form', { timeout: 5000 }).catch(() => fail('an analyst should get the edit form'));
  for (const id of ['ent-name', 'ent-kind', 'ent-alias-en', 'ent-country', 'ent-lat', 'ent-note', 'ent-other']) {
    if ((await apage.locator(`label[for="${id}"]`).count()) !== 1) fail('the form field ' + id + ' has no label');
  }
  if ((await apage.inputValue('#ent-name')) !== cstoApi.entity.name) fail('the form should hold the entity name');
  // A value the API refuses: its message is shown by the form, at the field.
  await apage.fill('#ent-lat', '95');
  await apage.click('#entity-save');
  await apage.waitForFunction(() => document.querySelector('#entity-error').textContent.length > 0, null, { timeout: 5000 })
    .catch(() => fail('a refused edit should show the API\'s message'));
  const formErr = await apage.locator('#entity-error').textContent();
  if (!/lat must be a number within ±90/.test(formErr)) fail('the validation error should be the API\'s: ' + formErr);
  if ((await apage.getAttribute('#ent-lat', 'aria-invalid')) !== 'true') fail('the latitude field should be marked invalid');
  if (!(await apage.locator('[data-for="ent-lat"] .field-error').isVisible())) fail('the error should be shown next to the latitude field');
  expected(400);
  await apage.screenshot({ path: join(outDir, 'dashboard-catalogue-error.png') });
  if ((await apiAs('/api/catalogue/entities/' + ENTITY)).body.edited !== null) fail('a refused edit must not be stored');
  // Add an alias and save (with the keyboard).
  await apage.fill('#ent-lat', '');
  const aliases = await apage.inputValue('#ent-alias-en');
  await apage.fill('#ent-alias-en', aliases + '\n' + ALIAS);
  await apage.focus('#entity-save');
  await apage.keyboard.press('Enter');
  await apage.waitForSelector('#entity-notice', { timeout: 5000 })
    .catch(async () => fail('saving did not succeed: ' + (await apage.locator('#entity-error').textContent())));
  if (!(await apage.locator('#entity-provenance').textContent()).includes('edited by ana')) fail('the entity should say who edited it');
  if (await apage.locator('#entity-error').textContent()) fail('the error should be gone after saving');
  const saved = await apiAs('/api/catalogue/entities/' + ENTITY);
  if (!saved.body.entity.aliases.en.includes(ALIAS)) fail('the API should return the new alias: ' + JSON.stringify(saved.body.entity.aliases.en));
  if (saved.body.edited.updated_by !== 'ana') fail('the edit should be by ana: ' + JSON.stringify(saved.body.edited));
  if (JSON.stringify(saved.body.entity.membership) !== JSON.stringify(cstoApi.entity.membership)) fail('fields without inputs must be kept');
  if ((await apage.inputValue('#ent-alias-en')).split('\n').filter((x) => x === ALIAS).length !== 1) fail('the form should show the saved alias');
  // Extracting the stored documents again uses the new alias.
  await apage.click('#reextract');
  await apage.waitForFunction(() => /^Extracted [1-9]\d* documents again/.test(document.querySelector('#reextract-status').textContent), null, { timeout: 20000 })
    .catch(async () => fail('re-extraction: ' + (await apage.locator('#reextract-status').textContent())));
  const after = await mentions();
  if (!(after >= 1)) fail('after re-extraction the new alias should find ' + ENTITY + ', mentions: ' + after);
  await apage.screenshot({ path: join(outDir, 'dashboard-catalogue.png') });
  // Deleting the edit brings the compiled-in entity back.
  await apage.click('#entity-revert');
  await apage.waitForFunction(() => (document.querySelector('#entity-notice') || {}).textContent &&
    document.querySelector('#entity-notice').textContent.includes('edit is deleted'), null, { timeout: 5000 })
    .catch(() => fail('deleting the edit did not say so'));
  const reverted = await apiAs('/api/catalogue/entities/' + ENTITY);
  if (reverted.body.edited !== null || reverted.body.entity.aliases.en.includes(ALIAS)) fail('the edit should be gone: ' + JSON.stringify(reverted.body));
  if (await apage.locator('#entity-revert').count()) fail('with no edit left there is nothing to delete');
  await apage.close();

  if (external.length) fail('external requests: ' + external.join(', '));
  if (problems.length) fail(problems.join('\n'));
  console.log(`dashboard: ok — ${countries} countries, ${markers} markers for ${events} events (${afterSlider} after the slider, undated kept), ${indicators} indicators, report and exports open, search finds, quotes and says when empty or refused, catalogue read only for viewers and edited by an analyst (alias saved, re-extracted with ${after} mention${after === 1 ? '' : 's'}, edit deleted), first render ${firstRender} ms, ${(Date.now() - started) / 1000}s in all`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
}
