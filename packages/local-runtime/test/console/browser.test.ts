// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright's innerText, the rendered text a person sees, which is what the test checks
/**
 * The console in a real browser: headless Chromium (the Debian package `chromium`) driven by
 * playwright-core, against a runtime with the blueprint-shaped fixture and the example profile.
 * It sends a new event, a duplicate, a business failure and an invalid event, then checks what a
 * person sees: each outcome in the list, the highlighted path of a new event and of a duplicate,
 * the record page linking back to the winning execution, starting an execution from the console
 * (with the JSON checked in the browser) and stopping a running one. Screenshots go to
 * test-artifacts/console/ (git-ignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { IDEMPOTENCY_PROFILE } from '../fixtures/console/profile';
import { type ConsoleFixture, PACKAGE_ROOT, startConsoleFixture } from '../fixtures/console/runtime';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(PACKAGE_ROOT, 'test-artifacts', 'console');

let fixture: ConsoleFixture;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it with 'apt-get install -y chromium' (or set CHROMIUM_PATH)`,
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  [fixture, browser] = await Promise.all([
    startConsoleFixture(IDEMPOTENCY_PROFILE),
    chromium.launch({ executablePath: CHROMIUM }),
  ]);
  await fixture.execute('new-1', { orderId: 'o-1', flaky: true });
  await fixture.execute('dup-1', { orderId: 'o-1' });
  await fixture.execute('fail-1', { orderId: 'o-2', card: 'declined' });
  await fixture.execute('invalid-1', { card: 'none' });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await fixture?.runtime.stop();
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

/** Opens a console URL and waits until the page has rendered. */
async function open(pathname: string): Promise<void> {
  await page.goto(`${fixture.url}${pathname}`);
  await rendered();
}

async function rendered(): Promise<void> {
  await page.waitForSelector('main[aria-busy="false"]');
}

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

/** The [from, to] pairs of the graph's edges drawn as taken. */
const takenPath = () =>
  page.$$eval('svg.graph .edge[data-taken="true"]', (edges) =>
    edges.map((edge) => [
      edge.getAttribute('data-from'),
      edge.getAttribute('data-to'),
      edge.getAttribute('data-kind'),
    ]),
  );

const outcomeOfRow = async (name: string) => ({
  outcome: await page.getAttribute(`tr[data-execution="${name}"]`, 'data-outcome'),
  text: await page.innerText(`tr[data-execution="${name}"]`),
});

describe('the console in Chromium', () => {
  it('lists the state machine with its counts by status and outcome', async () => {
    await open('/');
    await page.waitForSelector('tr[data-machine="orders"] li[data-outcome="invalid-key"]');
    const text = await page.innerText('tr[data-machine="orders"]');
    expect(text).toMatch(/New event\s*1/);
    expect(text).toMatch(/Duplicate\s*1/);
    expect(text).toMatch(/Business failure\s*1/);
    expect(text).toMatch(/Invalid key\s*1/);
    expect(await page.innerText('header .brand')).toBe('Step Functions local console · Orders & refunds');
    expect(await page.title()).toBe('State machines · Step Functions local console · Orders & refunds');
    await shot('01-state-machines');
  });

  it('shows each execution with its outcome, as text beside the colour', async () => {
    await page.click('tr[data-machine="orders"] a[href="/state-machines/orders"]');
    await rendered();
    expect(new URL(page.url()).pathname).toBe('/state-machines/orders');
    expect(await outcomeOfRow('new-1')).toMatchObject({
      outcome: 'new',
      text: expect.stringMatching(/Succeeded.*New event/s),
    });
    expect(await outcomeOfRow('dup-1')).toMatchObject({
      outcome: 'duplicate',
      text: expect.stringMatching(/Duplicate/),
    });
    expect(await outcomeOfRow('fail-1')).toMatchObject({
      outcome: 'business-failure',
      text: expect.stringMatching(/Failed.*Business failure/s),
    });
    expect(await outcomeOfRow('invalid-1')).toMatchObject({
      outcome: 'invalid-key',
      text: expect.stringMatching(/Invalid key/),
    });
    await shot('02-executions');

    await page.focus('#filter-outcome');
    await page.selectOption('#filter-outcome', 'duplicate');
    await page.waitForURL(/outcome=duplicate/);
    await rendered();
    expect(
      await page.$$eval('#executions tbody tr', (rows) => rows.map((r) => r.getAttribute('data-execution'))),
    ).toEqual(['dup-1']);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter-outcome');
    await shot('03-executions-filtered');
    await page.goBack();
    await rendered();
    expect(await page.$$eval('#executions tbody tr', (rows) => rows.length)).toBe(4);
  });

  it('draws the path of a new event, with the retried state, and opens a step from the keyboard', async () => {
    await open('/state-machines/orders/executions/new-1');
    expect(await takenPath()).toEqual([
      ['__start', 'ClaimIdempotencyKey', 'start'],
      ['ClaimIdempotencyKey', 'RunBusinessLogic', 'next'],
      ['RunBusinessLogic', 'RecordCompletion', 'next'],
      ['RecordCompletion', 'Processed', 'next'],
      ['Processed', '__end', 'end'],
    ]);
    const status = (state: string) =>
      page.$eval(`svg.graph [data-state="${state}"]`, (node) => ({
        status: node.getAttribute('data-status'),
        text: node.textContent,
      }));
    expect(await status('RunBusinessLogic')).toEqual({
      status: 'retried',
      text: expect.stringMatching(/Retried \(1 retry\)/),
    });
    expect(await status('AlreadyProcessed')).toEqual({
      status: 'not-reached',
      text: expect.stringMatching(/Not reached/),
    });
    expect(await page.textContent('#path-taken')).toMatch(
      /Start → ClaimIdempotencyKey → RunBusinessLogic → RecordCompletion → Processed → End/,
    );

    await page.focus('svg.graph [data-state="RunBusinessLogic"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#step-panel h2:has-text("RunBusinessLogic")');
    const panel = await page.innerText('#step-panel');
    expect(panel).toMatch(/Attempts \(1 retry\)/);
    expect(panel).toMatch(/Business\.Transient/);
    expect(panel).toMatch(/"charged": true/);
    expect(new URL(page.url()).searchParams.get('state')).toBe('RunBusinessLogic');
    await shot('04-execution-new-event');

    await page.focus('svg.graph [data-state="ClaimIdempotencyKey"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#step-panel h2:has-text("ClaimIdempotencyKey")');
    expect(await page.innerText('#step-panel .variables')).toMatch(/\$recordId\s+"order#o-1"/);
  });

  it('draws the path of a duplicate through the claim catcher', async () => {
    await open('/state-machines/orders/executions/dup-1');
    expect(await takenPath()).toEqual([
      ['__start', 'ClaimIdempotencyKey', 'start'],
      ['ClaimIdempotencyKey', 'AlreadyProcessed', 'catch'],
      ['AlreadyProcessed', '__end', 'end'],
    ]);
    expect(await page.getAttribute('svg.graph [data-state="ClaimIdempotencyKey"]', 'data-status')).toBe(
      'caught',
    );
    expect(await page.getAttribute('svg.graph [data-state="RunBusinessLogic"]', 'data-status')).toBe(
      'not-reached',
    );
    await shot('05-execution-duplicate');
  });

  it('shows the table and event views of a business failure, switched with the arrow keys', async () => {
    await open('/state-machines/orders/executions/fail-1');
    // The Lambda error document in one line (errorType: errorMessage), the whole of it folded below.
    expect(await page.innerText('#execution-error .cause-summary')).toBe(
      'PaymentDeclined: card declined for order o-2',
    );
    expect(await page.isVisible('#execution-error pre.cause')).toBe(false);
    await page.click('#execution-error details summary');
    expect(await page.innerText('#execution-error pre.cause')).toMatch(/"errorType": "PaymentDeclined"/);
    await page.focus('#tab-graph');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#steps-table');
    expect(await page.innerText('#steps-table tr[data-state="RunBusinessLogic"]')).toMatch(/Caught error/);
    await shot('06-execution-failure-table');
    await page.click('#steps-table tr[data-state="RunBusinessLogic"] button');
    await page.waitForSelector('#step-panel h2:has-text("RunBusinessLogic")');
    expect(await page.innerText('#step-panel .cause-block .cause-summary')).toBe(
      'PaymentDeclined: card declined for order o-2',
    );
    await shot('06-execution-failure-step');
    await page.focus('#tab-table');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#events-table');
    expect(new URL(page.url()).searchParams.get('view')).toBe('events');
    const failed = await page.$('tr[data-event="10"]');
    expect(await failed?.innerText()).toMatch(/TaskFailed\s+RunBusinessLogic/);
    await page.click('tr[data-event="10"] button.expander');
    expect(await page.textContent('#event-10-details')).toMatch(/"error": "PaymentDeclined"/);
    await shot('07-execution-failure-events');
  });

  it('links an execution to its record, and the record back to the winning execution', async () => {
    await open('/state-machines/orders/executions/dup-1');
    await page.click('#record-link');
    await rendered();
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe('/state-machines/orders/records/order#o-1');
    await page.waitForSelector('#touchers-table tr[data-execution="new-1"]');
    const rows = await page.$$eval('#touchers-table tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-execution'), tr.getAttribute('data-owner')]),
    );
    expect(rows).toEqual([
      ['dup-1', 'false'],
      ['new-1', 'true'],
    ]);
    const owner = await page.getAttribute('#record-section a[data-owner]', 'href');
    expect(owner).toBe('/state-machines/orders/executions/new-1');
    await shot('08-record');
    await page.click('#record-section a[data-owner]');
    await rendered();
    expect(await page.textContent('main h1')).toBe('new-1');

    await open('/state-machines/orders/records');
    expect(
      await page.$$eval('#records tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-record'))),
    ).toEqual(['order#o-1']);
    await shot('09-records');
  });

  it('starts an execution from the console, refusing input that is not JSON', async () => {
    await open('/state-machines/orders');
    await page.focus('#start-toggle');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('start-input');
    await page.fill('#start-input', '{"orderId": "o-3",}');
    expect(await page.getAttribute('#start-input', 'aria-invalid')).toBe('true');
    expect(await page.textContent('#start-input-error')).toMatch(/Not valid JSON: .*line 1,? column 19/);
    await page.fill('#start-name', 'from-console');
    await page.click('#start-submit');
    expect(new URL(page.url()).pathname).toBe('/state-machines/orders');
    await shot('10-start-invalid-json');

    await page.fill('#start-input', '{"orderId": "o-3"}');
    expect(await page.getAttribute('#start-input', 'aria-invalid')).toBe('false');
    await page.click('#start-submit');
    await page.waitForURL('**/state-machines/orders/executions/from-console');
    await rendered();
    await page.waitForSelector('#summary .badge:has-text("Succeeded")');
    await page.waitForSelector('#summary .badge:has-text("New event")');
    await shot('11-started-from-console');
  });

  it('refreshes the list while executions run, and stops a running one', async () => {
    await open('/state-machines/orders');
    await fixture.execute('slow-1', { orderId: 'slow', delayMs: 30_000 }, false);
    await page.waitForSelector('tr[data-execution="slow-1"][data-status="RUNNING"]');
    await page.click('a[href="/state-machines/orders/executions/slow-1"]');
    await rendered();
    await page.waitForSelector('svg.graph [data-state="RunBusinessLogic"][data-status="running"]');
    await page.click('#stop-button');
    await page.waitForSelector('dialog#stop-dialog[open]');
    await page.fill('#stop-error', 'Console.Stopped');
    await shot('12-stop-dialog');
    await page.click('#stop-confirm');
    await page.waitForSelector('#summary .badge:has-text("Aborted")');
    expect(await page.textContent('#execution-error')).toMatch(/Console\.Stopped/);
    expect(await page.getAttribute('svg.graph [data-state="RunBusinessLogic"]', 'data-status')).toBe(
      'aborted',
    );
    expect(await page.$('#stop-button')).toBeNull();
    await shot('13-stopped');
  });

  it('keeps real URLs: a deep link opens its page, back and forward work, and unknown pages say so', async () => {
    await open('/state-machines/orders/executions/new-1?view=table&state=RunBusinessLogic');
    expect(await page.getAttribute('#tab-table', 'aria-selected')).toBe('true');
    expect(await page.textContent('#step-panel h2')).toBe('RunBusinessLogic');
    await page.click('#breadcrumbs a[href="/state-machines/orders"]');
    await rendered();
    expect(await page.textContent('main h1')).toBe('orders');
    await page.goBack();
    await rendered();
    expect(await page.textContent('main h1')).toBe('new-1');
    await page.goForward();
    await rendered();
    expect(await page.textContent('main h1')).toBe('orders');
    await open('/nowhere');
    expect(await page.textContent('main h1')).toBe('Page not found');
    await open('/state-machines/missing');
    expect(await page.textContent('main')).toMatch(/no state machine named "missing"/);
  });
});
