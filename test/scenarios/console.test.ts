// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright's innerText, the rendered text a person sees, which is what the test checks
/**
 * The local console on the blueprint app as `npm start` deploys it (bin/app.ts → lib/blueprint-stack.ts,
 * from its cloud assembly), with the blueprint's console profile (local/console-profile.ts), in
 * headless Chromium (Debian's `chromium`, driven by playwright-core). A new event, a duplicate, a
 * declined card and an event without an order id go to the payment workflow through the SDK; then
 * the test checks what a person sees: each execution's outcome (icon and text) in the list, the path
 * a new event and a duplicate took in the graph (the states not reached marked so), the record of
 * the new event's key linking back to the winning execution and listing the duplicate, and an
 * execution started from the console with a JSON input.
 *
 * Screenshots go to test-artifacts/console/ (git-ignored). With UPDATE_DOCS_IMAGES=1 the test also
 * writes the README's two images (docs/images/console-executions.png and console-execution.png,
 * 1280 px wide, cropped to the content). Without Chromium the test is skipped, saying so, except in
 * CI (CI=true), where it fails.
 */
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { consoleUrls } from '@sfn-idempotency/local-runtime';
import { type Browser, chromium, type Page } from 'playwright-core';
import { StateName } from '../../lib/state-machines/names';
import { type AppRuntime, blueprintTargets, PROJECT_ROOT, startApp } from '../../local/app';
import { CONSOLE_PROFILE, OUTCOME } from '../../local/console-profile';
import { stateMachineNameOf } from '../../local/demo';
import { finished, startExecution } from './support';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts', 'console');
const DOCS_IMAGES = path.join(PROJECT_ROOT, 'docs', 'images');
const UPDATE_DOCS_IMAGES = process.env.UPDATE_DOCS_IMAGES === '1';
const VIEWPORT = { width: 1280, height: 800 };

const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (!haveChromium && !inCi) {
  console.warn(
    `Skipping the console's browser test: no Chromium at ${CHROMIUM}. Install it with 'apt-get install -y chromium' (or set CHROMIUM_PATH).`,
  );
}
// In CI a missing Chromium fails the test (in beforeAll) rather than skipping it.
const describeInBrowser = haveChromium || inCi ? describe : describe.skip;

const order = (orderId: string | undefined, card = 'tok_visa') => ({
  source: 'shop.orders',
  'detail-type': 'OrderPlaced',
  detail: {
    ...(orderId ? { orderId } : {}),
    amount: 4250,
    currency: 'EUR',
    card,
    country: 'DE',
    weightGrams: 900,
  },
});

/** The executions the test sends, by name, and the outcome each must show. */
const SENT = [
  { name: 'new-event', input: order('con-1'), outcome: OUTCOME.new, status: 'Succeeded' },
  { name: 'duplicate', input: order('con-1'), outcome: OUTCOME.duplicate, status: 'Succeeded' },
  {
    name: 'declined-card',
    input: order('con-2', 'declined'),
    outcome: OUTCOME.businessFailure,
    status: 'Failed',
  },
  { name: 'no-order-id', input: order(undefined), outcome: OUTCOME.invalidKey, status: 'Failed' },
] as const;

/** The profile's rule for an outcome id: what its badge must show. */
function ruleOf(id: string) {
  const rule = CONSOLE_PROFILE.outcomes?.find((r) => r.id === id);
  if (!rule?.icon) throw new Error(`the profile has no outcome ${id} with an icon`);
  return { icon: rule.icon, label: rule.label };
}

let runtime: AppRuntime;
let browser: Browser;
let page: Page;
let consoleUrl: string;
let machine: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!haveChromium) {
    throw new Error(
      `Chromium not found at ${CHROMIUM} (CI=${process.env.CI}): install it with 'apt-get install -y chromium' (or set CHROMIUM_PATH); CI must run the console's browser test`,
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  [runtime, browser] = await Promise.all([
    startApp({ print: false, onLambdaLog: () => {}, console: { port: 0, profile: CONSOLE_PROFILE } }),
    chromium.launch({ executablePath: CHROMIUM }),
  ]);
  consoleUrl = runtime.console?.url ?? '';
  const payment = blueprintTargets(runtime.deployment).workflows.find((w) => w.label === 'payment');
  const stateMachineArn = payment?.stateMachine.arn ?? '';
  machine = stateMachineNameOf(stateMachineArn);
  // One after the other: the duplicate must find the new event's record.
  for (const sent of SENT) {
    await finished(
      runtime.clients.sfn,
      await startExecution(runtime.clients.sfn, stateMachineArn, sent.input, sent.name),
    );
  }
  page = await browser.newPage({ viewport: VIEWPORT });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

/** The console's paths (from its root), as the runtime builds them. */
const paths = consoleUrls('');
const machinePath = () => paths.stateMachine(machine);
const executionPath = (name: string) => paths.execution(machine, name);

/** Opens a console URL and waits until the page has rendered. */
async function open(pathname: string): Promise<void> {
  await page.goto(`${consoleUrl}${pathname}`);
  await rendered();
}

const rendered = () => page.waitForSelector('main[aria-busy="false"]');

/** A screenshot of the whole page, in test-artifacts/console/. */
const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

/**
 * With UPDATE_DOCS_IMAGES=1, one of the README's images (docs/images/): the page 1280 px wide, from
 * its top down to the end of `until` (the content a reader needs, without the empty space below).
 */
async function docsImage(file: string, until: string): Promise<void> {
  if (!UPDATE_DOCS_IMAGES) return;
  const box = await page.locator(until).boundingBox();
  if (!box) throw new Error(`${until} is not on the page`);
  mkdirSync(DOCS_IMAGES, { recursive: true });
  const height = Math.ceil(box.y + box.height + 12);
  await page.screenshot({
    path: path.join(DOCS_IMAGES, file),
    fullPage: true,
    clip: { x: 0, y: 0, width: VIEWPORT.width, height },
  });
}

/** The [from, to] pairs of the graph's edges drawn as taken. */
const takenPath = () =>
  page.$$eval('svg.graph .edge[data-taken="true"]', (edges) =>
    edges.map((edge) => [edge.getAttribute('data-from'), edge.getAttribute('data-to')]),
  );

/** Each state of the graph with how it is shown (succeeded, caught, not-reached, ...). */
const stateStatuses = () =>
  page.$$eval('svg.graph [data-state]', (nodes) =>
    Object.fromEntries(
      nodes.map((node) => [node.getAttribute('data-state'), node.getAttribute('data-status')]),
    ),
  );

describeInBrowser('Given the blueprint app with its console profile, in Chromium', () => {
  test('When the payment workflow ran a new event, a duplicate, a declined card and an event without an order id, Then the list shows each outcome as an icon and a text', async () => {
    await open('/');
    await page.waitForSelector(`tr[data-machine="${machine}"] li[data-outcome="${OUTCOME.invalidKey}"]`);
    const counts = await page.innerText(`tr[data-machine="${machine}"]`);
    for (const id of [OUTCOME.new, OUTCOME.duplicate, OUTCOME.businessFailure, OUTCOME.invalidKey]) {
      expect(counts).toContain(ruleOf(id).label);
    }
    await shot('01-state-machines');

    await page.click(`tr[data-machine="${machine}"] a[href="${machinePath()}"]`);
    await rendered();
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/state-machines/${machine}`);
    for (const sent of SENT) {
      const row = `tr[data-execution="${sent.name}"]`;
      await page.waitForSelector(`${row} .badge[data-outcome]`);
      expect(await page.getAttribute(row, 'data-outcome')).toBe(sent.outcome);
      const badge = `${row} .badge[data-outcome="${sent.outcome}"]`;
      expect({
        icon: await page.innerText(`${badge} .badge-icon`),
        label: await page.innerText(`${badge} .badge-label`),
      }).toEqual(ruleOf(sent.outcome));
      expect(await page.innerText(row)).toContain(sent.status);
    }
    await shot('02-executions');
  });

  test('When a new event is opened, Then its graph highlights ClaimIdempotencyKey → RunBusinessLogic → RecordCompletion → Processed and marks the rest not reached', async () => {
    await open(executionPath('new-event'));
    expect(await takenPath()).toEqual([
      ['__start', StateName.ClaimIdempotencyKey],
      [StateName.ClaimIdempotencyKey, StateName.RunBusinessLogic],
      [StateName.RunBusinessLogic, StateName.RecordCompletion],
      [StateName.RecordCompletion, StateName.Processed],
      [StateName.Processed, '__end'],
    ]);
    expect(await page.textContent('#path-taken')).toMatch(
      /Start → ClaimIdempotencyKey → RunBusinessLogic → RecordCompletion → Processed → End/,
    );
    const statuses = await stateStatuses();
    for (const state of [
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.RecordCompletion,
      StateName.Processed,
    ]) {
      expect([state, statuses[state]]).toEqual([state, 'succeeded']);
    }
    for (const state of [
      StateName.AlreadyProcessed,
      StateName.ReleaseIdempotencyKey,
      StateName.BusinessLogicFailed,
      StateName.ClassifyRejectedClaim,
      StateName.BusinessOutcomeUnknown,
      StateName.LeaseLost,
    ]) {
      expect([state, statuses[state]]).toEqual([state, 'not-reached']);
    }
    expect(await page.textContent(`svg.graph [data-state="${StateName.AlreadyProcessed}"]`)).toMatch(
      /Not reached/,
    );
    const summary = await page.innerText('#summary');
    expect(summary).toContain(ruleOf(OUTCOME.new).label);
    await docsImage('console-execution.png', '.graph-view');

    // The business task's step, opened from the keyboard: the payment function got the envelope with the key.
    await page.focus(`svg.graph [data-state="${StateName.RunBusinessLogic}"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#step-panel h2:has-text("${StateName.RunBusinessLogic}")`);
    expect(new URL(page.url()).searchParams.get('state')).toBe(StateName.RunBusinessLogic);
    expect(await page.innerText('#step-panel')).toMatch(/"idempotencyKey": "payments#con-1"/);
    await shot('03-execution-new-event');
  });

  test('When the duplicate is opened, Then its graph highlights ClaimIdempotencyKey → AlreadyProcessed and the business states are not reached', async () => {
    await open(executionPath('duplicate'));
    expect(await takenPath()).toEqual([
      ['__start', StateName.ClaimIdempotencyKey],
      [StateName.ClaimIdempotencyKey, StateName.AlreadyProcessed],
      [StateName.AlreadyProcessed, '__end'],
    ]);
    const statuses = await stateStatuses();
    expect(statuses[StateName.ClaimIdempotencyKey]).toBe('caught');
    expect(statuses[StateName.AlreadyProcessed]).toBe('succeeded');
    for (const state of [StateName.RunBusinessLogic, StateName.RecordCompletion, StateName.Processed]) {
      expect([state, statuses[state]]).toEqual([state, 'not-reached']);
    }
    expect(await page.innerText('#summary')).toContain(ruleOf(OUTCOME.duplicate).label);
    await shot('04-execution-duplicate');

    await open(executionPath('declined-card'));
    // The payment function's error document in one line, its stack trace folded below.
    expect(await page.innerText('#execution-error .cause-summary')).toBe(
      'PaymentDeclined: order con-2: the card was declined',
    );
    expect(await page.isVisible('#execution-error pre.cause')).toBe(false);
    expect(await stateStatuses()).toMatchObject({
      [StateName.RunBusinessLogic]: 'caught',
      [StateName.ReleaseIdempotencyKey]: 'succeeded',
      [StateName.BusinessLogicFailed]: 'failed',
      [StateName.RecordCompletion]: 'not-reached',
    });
    await shot('05-execution-declined-card');
    await page.click('#execution-error details summary');
    expect(await page.innerText('#execution-error pre.cause')).toMatch(/"errorType": "PaymentDeclined"/);
    await shot('05-execution-declined-card-cause');

    await open(executionPath('no-order-id'));
    expect(await page.textContent('#execution-error')).toMatch(/Idempotency\.KeyMissing/);
    await shot('06-execution-no-order-id');
  });

  test('When the record of the new event’s key is opened, Then it links back to the winning execution and lists the duplicate', async () => {
    await open(executionPath('duplicate'));
    expect(await page.textContent('#record-link')).toBe('payments#con-1');
    await page.click('#record-link');
    await rendered();
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(
      `/state-machines/${machine}/records/payments#con-1`,
    );
    await page.waitForSelector('#touchers-table tr[data-execution="new-event"]');
    await page.waitForSelector('#touchers-table tr[data-execution="duplicate"]');
    const rows = await page.$$eval('#touchers-table tbody tr', (trs) =>
      Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-execution'), tr.getAttribute('data-owner')])),
    );
    expect(rows).toEqual({ 'new-event': 'true', duplicate: 'false' });
    expect(await page.innerText('#touchers-table tr[data-execution="duplicate"]')).toContain(
      ruleOf(OUTCOME.duplicate).label,
    );
    expect(await page.innerText('#record-section')).toMatch(/COMPLETED/);
    expect(await page.getAttribute('#record-section a[data-owner]', 'href')).toBe(executionPath('new-event'));
    await shot('07-record');
    await page.click('#record-section a[data-owner]');
    await rendered();
    expect(await page.textContent('main h1')).toBe('new-event');
  });

  test('When an execution is started from the console with a JSON input, Then it runs as a new event', async () => {
    await open(machinePath());
    await page.focus('#start-toggle');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('start-input');
    await page.fill('#start-input', JSON.stringify(order('con-3'), null, 2));
    expect(await page.getAttribute('#start-input', 'aria-invalid')).toBe('false');
    await page.fill('#start-name', 'from-console');
    await shot('08-start-execution');
    await page.click('#start-submit');
    await page.waitForURL(`**${executionPath('from-console')}`);
    await rendered();
    await page.waitForSelector('#summary .badge:has-text("Succeeded")');
    await page.waitForSelector(`#summary .badge:has-text("${ruleOf(OUTCOME.new).label}")`);
    expect(await takenPath()).toContainEqual([StateName.RecordCompletion, StateName.Processed]);
    await shot('09-started-from-console');

    // The list with every outcome the test sent, for the README.
    await page.click(`#breadcrumbs a[href="${machinePath()}"]`);
    await rendered();
    await page.waitForSelector('tr[data-execution="from-console"] .badge[data-outcome]');
    await shot('10-executions');
    await docsImage('console-executions.png', '#pager');
  });
});
