// End-to-end check of the dashboard in headless Debian Chromium, driven by
// playwright-core (no browser download): a real `watchfloor serve` on
// loopback over a database holding a hostile document; the map must draw
// markers, the time slider must filter them, a marker click must quote the
// evidence highlighted in its document, and the hostile text must stay
// inert. Screenshots: target/dashboard.png, target/dashboard-evidence.png.
//
// usage: node dashboard.test.mjs path/to/watchfloor path/to/fixture.jsonl OUT_DIR
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
run('ingest', fixture);
run('extract');
const token = run('tokens', 'create', '--role', 'viewer', '--name', 'browser').trim();
if (!/^wf_[0-9a-f]{64}$/.test(token)) fail('tokens create must print the token alone, got ' + token);

const server = spawn(bin, ['--db', db, 'serve', '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
let browser;
const started = Date.now();
try {
  const base = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolve(m[1]);
    });
    server.on('exit', (c) => reject(new Error('server exited ' + c)));
    setTimeout(() => reject(new Error('server did not start: ' + out)), 15000);
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const external = [];
  const problems = [];
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) external.push(r.url()); });
  page.on('dialog', (d) => { problems.push('dialog opened: ' + d.message()); d.dismiss(); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });

  // Without a session the sign-in form shows.
  await page.goto(base + '/');
  await page.waitForSelector('#sign-in:not([hidden])', { timeout: 10000 });
  problems.length = 0; // the 401 that brought the form up was expected

  // The sign-in URL sets the cookie and redirects to the dashboard.
  const t0 = Date.now();
  await page.goto(base + '/?token=' + token);
  if (new URL(page.url()).search) fail('sign-in URL should redirect to / (token left in the address bar)');
  await page.waitForSelector('body[data-ready="map"]', { timeout: 10000 });
  const firstRender = Date.now() - t0;
  const countries = await page.locator('#countries path').count();
  if (countries < 10) fail('basemap not drawn: ' + countries + ' country paths');
  const markers = await page.locator('#markers circle').count();
  if (markers < 2) fail('expected markers on the map, got ' + markers);
  await page.waitForSelector('body[data-board="ready"]', { timeout: 20000 });
  const indicators = await page.locator('#board .indicator').count();
  if (indicators < 1) fail('indicator board is empty');
  await page.screenshot({ path: join(outDir, 'dashboard.png') });

  // Drag the "to" end of the time slider to the first month: later events go.
  const before = await page.locator('#map-status').textContent();
  await page.focus('#to');
  await page.keyboard.press('Home');
  await page.waitForFunction((b) => document.querySelector('#map-status').textContent !== b, before, { timeout: 5000 });
  const after = await page.locator('#markers circle').count();
  const label = await page.locator('#time-label').textContent();
  if (!(after < markers)) fail(`time slider did not filter markers (${markers} -> ${after}, ${label})`);
  await page.keyboard.press('End');
  await page.waitForFunction((n) => document.querySelectorAll('#markers circle').length === n, markers, { timeout: 5000 });

  // Zoom in on Belarus so every event has its own marker, then open the
  // deployment at Baranovichi (26.0 E, 53.1 N), whose sentence is hostile.
  for (let i = 0; i < 3; i++) await page.click('#zoom-in');
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(outDir, 'dashboard-zoomed.png') });
  const circles = page.locator('#markers circle');
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

  if (external.length) fail('external requests: ' + external.join(', '));
  if (problems.length) fail(problems.join('\n'));
  console.log(`dashboard: ok — ${countries} countries, ${markers} markers (${after} after the slider), ${indicators} indicators, first render ${firstRender} ms, ${(Date.now() - started) / 1000}s in all`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
}
