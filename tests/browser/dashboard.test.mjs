// End-to-end check of the dashboard in headless Debian Chromium, driven by
// playwright-core (no browser download): a real `watchfloor serve` on
// loopback over a database holding a hostile document and an undated one;
// the map must draw markers and cluster them, pan and zoom, the time slider
// must filter them while keeping undated events (unless unticked), a marker
// or indicator click must quote the evidence highlighted in its document,
// the hostile text must stay inert, the report and export links must follow
// the filters and work, sign-out must end the session, and nothing may be
// fetched from anywhere but the server. Screenshots: target/dashboard*.png.
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

  if (external.length) fail('external requests: ' + external.join(', '));
  if (problems.length) fail(problems.join('\n'));
  console.log(`dashboard: ok — ${countries} countries, ${markers} markers for ${events} events (${afterSlider} after the slider, undated kept), ${indicators} indicators, report and exports open, first render ${firstRender} ms, ${(Date.now() - started) / 1000}s in all`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
}
