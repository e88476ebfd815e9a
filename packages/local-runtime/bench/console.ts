/**
 * The local console with 10,000 executions in one state machine, printed, never asserted: the time
 * to the first byte of each page (the HTML shell and the JSON it reads) and to the page rendered in
 * headless Chromium (/usr/bin/chromium, or CHROMIUM_PATH), for the state machines, the executions
 * list, the list filtered by status and by a rare outcome (first while the histories are still
 * being read, then once they all are), and one execution.
 *
 * The machine is cheap (Pass, Choice, Succeed and Fail states, no Task) but its end states carry
 * the idempotency blueprint's names, so the example profile gives every execution an outcome:
 * 70 % new events, 25 % duplicates, 4 % business failures, 1 % invalid keys.
 *
 *   npm run bench:console                  (in packages/local-runtime)
 *   EXECUTIONS=2000 npm run bench:console  (a smaller fill)
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { existsSync } from 'node:fs';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { chromium, type Page } from 'playwright-core';
import type { StateMachineSummary } from '../src/console';
import { startLocalRuntime } from '../src/runtime';
import { IDEMPOTENCY_PROFILE } from '../test/fixtures/console/profile';

const EXECUTIONS = Number(process.env.EXECUTIONS ?? 10_000);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MACHINE = 'bench-orders';

const DEFINITION = {
  Comment: 'Cheap: no Task; the end states carry the blueprint names the profile reads',
  QueryLanguage: 'JSONata',
  StartAt: 'ClaimIdempotencyKey',
  States: {
    ClaimIdempotencyKey: { Type: 'Pass', Assign: { kind: '{% $states.input.kind %}' }, Next: 'Route' },
    Route: {
      Type: 'Choice',
      Choices: [
        { Condition: "{% $kind = 'duplicate' %}", Next: 'AlreadyProcessed' },
        { Condition: "{% $kind = 'failure' %}", Next: 'BusinessLogicFailed' },
        { Condition: "{% $kind = 'invalid' %}", Next: 'RejectEventWithoutKey' },
      ],
      Default: 'RunBusinessLogic',
    },
    RunBusinessLogic: { Type: 'Pass', Output: "{% {'charged': true} %}", Next: 'Processed' },
    Processed: { Type: 'Succeed' },
    AlreadyProcessed: { Type: 'Succeed' },
    BusinessLogicFailed: { Type: 'Fail', Error: 'PaymentDeclined', Cause: 'card declined' },
    RejectEventWithoutKey: { Type: 'Fail', Error: 'Idempotency.KeyMissing', Cause: 'no key' },
  },
};

const kindOf = (i: number) =>
  i % 100 === 7 ? 'invalid' : i % 25 === 3 ? 'failure' : i % 4 === 1 ? 'duplicate' : 'new';

const ms = (n: number) => `${n.toFixed(0).padStart(5)} ms`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Time to the first byte of a GET (headers received), and to the whole body. */
async function firstByte(url: string): Promise<{ ttfb: number; total: number; bytes: number }> {
  const t0 = performance.now();
  const response = await fetch(url);
  const ttfb = performance.now() - t0;
  const body = await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return { ttfb, total: performance.now() - t0, bytes: body.byteLength };
}

/** Navigates and waits until the page says it rendered; returns the wall time and the browser's TTFB. */
async function render(
  page: Page,
  url: string,
  ready: string,
): Promise<{ rendered: number; browserTtfb: number }> {
  const t0 = performance.now();
  await page.goto(url);
  await page.waitForSelector('main[aria-busy="false"]');
  await page.waitForSelector(ready);
  const rendered = performance.now() - t0;
  const browserTtfb = await page.evaluate(() => {
    const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    return navigation ? navigation.responseStart - navigation.requestStart : Number.NaN;
  });
  return { rendered, browserTtfb };
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  const runtime = await startLocalRuntime({
    maxRetainedExecutions: EXECUTIONS + 1000,
    console: { port: 0, profile: IDEMPOTENCY_PROFILE },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const console_ = runtime.console;
    if (!console_) throw new Error('the runtime started no console');
    const stateMachineArn = await runtime.deployStateMachine({
      name: MACHINE,
      definition: JSON.stringify(DEFINITION),
    });

    let t0 = performance.now();
    let next = 0;
    let lastArn = '';
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < EXECUTIONS) {
          const i = next++;
          const started = await runtime.clients.sfn.send(
            new StartExecutionCommand({
              stateMachineArn,
              name: `order-${String(i).padStart(5, '0')}`,
              input: JSON.stringify({ orderId: `o-${i}`, kind: kindOf(i) }),
            }),
          );
          if (i === Math.floor(EXECUTIONS / 2)) lastArn = started.executionArn ?? '';
        }
      }),
    );
    console.log(
      `Filled ${MACHINE} with ${EXECUTIONS.toLocaleString('en-US')} executions in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const base = console_.url;
    const executionName = lastArn.slice(lastArn.lastIndexOf(':') + 1);
    const pages = {
      machines: { path: '/', api: '/api/state-machines', ready: `tr[data-machine="${MACHINE}"]` },
      list: {
        path: `/state-machines/${MACHINE}`,
        api: `/api/state-machines/${MACHINE}/executions`,
        ready: '#executions tbody tr[data-execution]',
      },
      'list, status FAILED': {
        path: `/state-machines/${MACHINE}?status=FAILED`,
        api: `/api/state-machines/${MACHINE}/executions?status=FAILED`,
        ready: '#executions tbody tr[data-execution]',
      },
      'list, outcome invalid-key': {
        path: `/state-machines/${MACHINE}?outcome=invalid-key`,
        api: `/api/state-machines/${MACHINE}/executions?outcome=invalid-key`,
        ready: '#executions tbody tr',
      },
      execution: {
        path: `/state-machines/${MACHINE}/executions/${executionName}`,
        api: `/api/state-machines/${MACHINE}/executions/${executionName}`,
        ready: 'svg.graph .node.state',
      },
    } as const;

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // The first visit reads the histories for the outcomes in the background: measure it as it is.
    console.log('\nFirst visit (outcomes still being read from the histories):');
    console.log('page                         HTML TTFB   API TTFB   API total   rendered in Chromium');
    t0 = performance.now();
    for (const [name, p] of Object.entries(pages)) {
      const html = await firstByte(`${base}${p.path}`);
      const apiCall = await firstByte(`${base}${p.api}`);
      const shown = await render(page, `${base}${p.path}`, p.ready);
      console.log(
        `${name.padEnd(27)} ${ms(html.ttfb)}  ${ms(apiCall.ttfb)}  ${ms(apiCall.total)}   ${ms(shown.rendered)}  (${(apiCall.bytes / 1024).toFixed(0)} KB JSON)`,
      );
    }
    const progress = async () => {
      const machines = (await (await fetch(`${base}/api/state-machines`)).json()) as StateMachineSummary[];
      return machines.find((m) => m.name === MACHINE)?.classification ?? { classified: 0, finished: 0 };
    };
    for (;;) {
      const { classified, finished } = await progress();
      if (classified >= finished) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    console.log(
      `\nAll ${EXECUTIONS.toLocaleString('en-US')} histories read for outcomes ${((performance.now() - t0) / 1000).toFixed(1)} s after the first visit`,
    );

    console.log('\nLater visits (median of 5; outcomes cached, a finished execution never changes):');
    console.log(
      'page                         HTML TTFB   API TTFB   API total   rendered in Chromium   browser TTFB',
    );
    for (const [name, p] of Object.entries(pages)) {
      const html: number[] = [];
      const apiTtfb: number[] = [];
      const apiTotal: number[] = [];
      const rendered: number[] = [];
      const browserTtfb: number[] = [];
      for (let i = 0; i < 5; i++) {
        html.push((await firstByte(`${base}${p.path}`)).ttfb);
        const apiCall = await firstByte(`${base}${p.api}`);
        apiTtfb.push(apiCall.ttfb);
        apiTotal.push(apiCall.total);
        const shown = await render(page, `${base}${p.path}`, p.ready);
        rendered.push(shown.rendered);
        browserTtfb.push(shown.browserTtfb);
      }
      console.log(
        `${name.padEnd(27)} ${ms(median(html))}  ${ms(median(apiTtfb))}  ${ms(median(apiTotal))}   ${ms(median(rendered))}             ${ms(median(browserTtfb))}`,
      );
    }
  } finally {
    await browser.close();
    await runtime.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
