/**
 * `npm run bench:cost`: the cost model's table and break-evens in the terminal, and the chart
 * written to docs/cost-chart.svg. Options:
 *   --inputs <file.json>  per-path figures (ModelInputs) instead of the counted ones, e.g. measured by `npm run bench`
 *   --out <file.svg>      where to write the chart (default docs/cost-chart.svg)
 *   --json                one JSON line with the same figures, and no chart written
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { lineChart, type Series } from './chart';
import {
  type Approach,
  approaches,
  breakEvenLines,
  breakEvens,
  COUNTED_INPUTS,
  costPerMillion,
  costTable,
  DUPLICATE_RATIOS,
  duplicateMsAtParity,
  type ModelInputs,
  PRICES,
  pathCost,
  priceTable,
} from './cost-model';

const percent = (ratio: number): string => `${Math.round(ratio * 100)}%`;

/** The chart of dollars per million events against the duplicate share, one line per approach. */
export function costChart(list: readonly Approach[], subtitle: string): string {
  const series: Series[] = list.map((a) => ({
    label: a.label,
    points: Array.from({ length: 101 }, (_, i) => [i, costPerMillion(a, i / 100)] as const),
    markers: DUPLICATE_RATIOS.map((r) => r * 100),
  }));
  const annotations = breakEvens(list).flatMap(({ a, b, result }) =>
    result.kind === 'at'
      ? [{ x: result.ratio * 100, y: result.costPerMillion, text: `${a.label} = ${b.label}` }]
      : [],
  );
  return lineChart({
    title: 'What a million events cost, by share of duplicates (us-east-1)',
    subtitle,
    xLabel: 'duplicates among the events',
    yLabel: 'US dollars per million events (log scale)',
    series,
    annotations,
    xDomain: [0, 100],
    xTicks: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
    formatX: (x) => `${x}%`,
    formatY: (y) => (y >= 1 ? `$${+y.toPrecision(3)}` : `$${y.toFixed(2)}`),
    yScale: 'log',
  });
}

/** What it would take for the blueprint on EXPRESS to beat in-function idempotency on duplicates. */
function parityLine(list: readonly Approach[]): string | undefined {
  const express = list.find((a) => a.id === 'blueprint-express');
  const inFunction = list.find((a) => a.id === 'powertools');
  if (!express || !inFunction) return undefined;
  const ms = duplicateMsAtParity(express, inFunction);
  const use = inFunction.figures.duplicate.lambda[0];
  if (ms === undefined || !use) return undefined;
  return `A duplicate costs the same on the blueprint on EXPRESS as in the function when the function's duplicate invocation is billed ${ms.toFixed(0)} ms (at ${use.memoryMb} MB ${use.architecture}; assumed here: ${use.billedMs} ms).`;
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function main(): void {
  const inputsFile = argument('--inputs');
  const inputs: ModelInputs = inputsFile
    ? (JSON.parse(readFileSync(inputsFile, 'utf8')) as ModelInputs)
    : COUNTED_INPUTS;
  const origin = inputsFile
    ? `measured figures from ${inputsFile}`
    : 'counted figures (docs/cost.md), to be replaced by measured figures from npm run bench';
  const list = approaches(inputs);

  if (process.argv.includes('--json')) {
    const result = {
      prices: PRICES,
      inputs: origin,
      approaches: list.map((a) => ({
        id: a.id,
        billing: a.billing,
        perEvent: {
          new: pathCost(a.figures.new, a.billing),
          duplicate: pathCost(a.figures.duplicate, a.billing),
        },
        perMillion: Object.fromEntries(DUPLICATE_RATIOS.map((r) => [percent(r), costPerMillion(a, r)])),
      })),
      breakEvens: breakEvens(list).map(({ a, b, result }) => ({ a: a.id, b: b.id, ...result })),
      parity: parityLine(list),
    };
    console.log(JSON.stringify(result));
    return;
  }

  console.log(`Prices\n${priceTable()}\n`);
  console.log(`Inputs: ${origin}\n`);
  console.log(`${costTable(list)}\n`);
  console.log('Break-even duplicate shares');
  for (const line of breakEvenLines(list)) console.log(`  ${line}`);
  const parity = parityLine(list);
  if (parity) console.log(`\n${parity}`);

  const out = argument('--out') ?? path.join(__dirname, '..', 'docs', 'cost-chart.svg');
  writeFileSync(
    out,
    costChart(
      list,
      `Business function 256 MB arm64, 100 ms. Inputs: ${inputsFile ? 'measured' : 'counted, not yet measured'}.`,
    ),
  );
  console.log(`\nChart written to ${path.relative(process.cwd(), out)}`);
}

if (require.main === module) main();
