// Times the dashboard's first render in headless Debian Chromium against a
// running server, e.g. the 1M-event benchmark store:
//   cargo run --release -p watchfloor-server --example events_bench -- 1000000 10 /tmp/bench.db serve
//   node tests/browser/first_render.mjs 'http://127.0.0.1:PORT/?token=wf_…' [OUT.png]
// Prints the time from following the sign-in URL to the map drawn with its
// markers (body[data-ready=map]) and to the indicator board filled, over
// three fresh page loads (the first also pays for the server's cold caches).
import { chromium } from 'playwright-core';

const [signIn, shot] = process.argv.slice(2);
if (!signIn) {
  console.error('usage: node first_render.mjs SIGN_IN_URL [SCREENSHOT.png]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  for (let run = 1; run <= 3; run++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(signIn);
    await page.waitForSelector('body[data-ready="map"]', { timeout: 30000 });
    const map = Date.now() - t0;
    const status = await page.locator('#map-status').textContent();
    await page.waitForSelector('body[data-board="ready"]', { timeout: 120000 });
    const board = Date.now() - t0;
    console.log(`run ${run}: map with markers in ${map} ms (${status}); indicator board in ${board} ms`);
    if (shot && run === 3) await page.screenshot({ path: shot });
    await context.close();
  }
} finally {
  await browser.close();
}
