/**
 * `npm run bench`: the blueprint on the local runtime, measured per path and setting (bench/measure.ts),
 * its local speed against the floor at concurrency 1, 16 and 64 with where the runtime's CPU goes
 * (bench/speed.ts), the targets of issue 14, and the cost model (bench/cost-model.ts) and scaling
 * simulation (bench/scaling-sim.ts) fed with the measured figures. Writes bench/measured/*.json,
 * docs/cost-chart.svg and the measured table of docs/cost.md. Options:
 *   --json          one JSON object on the last line
 *   --runs <n>      measurements per path and setting (default 3)
 *   --events <n>    events per speed measurement at concurrency 16 and 64 (default 2000; 1 gets a tenth)
 *   --no-docs       write nothing (no JSON files, chart or cost.md table)
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { costChart } from './cost';
import {
  approaches,
  BUSINESS_FUNCTION,
  breakEvenLines,
  costTable,
  type ModelInputs,
  type PathFigures,
  TRANSACT_WRITE_SAMPLE,
  table,
} from './cost-model';
import {
  type CapacityCheck,
  checkDynamoDbLocalCapacity,
  deploySetting,
  type InFunctionMeasured,
  measureInFunction,
  measureSetting,
  PATH_LABELS,
  PATHS,
  type PathFiguresMeasured,
  type PathName,
  PROJECT_ROOT,
  SETTING_DEFINITIONS,
  SETTINGS,
  type SettingName,
  startBenchRuntime,
} from './measure';
import type { PathCalls } from './scaling-sim';
import {
  CONCURRENCIES,
  type CpuBreakdown,
  measureSpeed,
  profileBlueprint,
  type SpeedFigures,
  topFunctions,
} from './speed';

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};

type Settings = Record<SettingName, Record<PathName, PathFiguresMeasured>>;

export interface Target {
  readonly label: string;
  readonly measured: string;
  readonly holds: boolean;
}

/** Issue 14's targets, default setting (records ≤ 1 KB). */
export function targets(paths: Record<PathName, PathFiguresMeasured>): Target[] {
  const { new: fresh, duplicate } = paths;
  return [
    {
      label: 'duplicate: at most 2 billed transitions',
      measured: `${duplicate.transitions}`,
      holds: duplicate.transitions <= 2,
    },
    {
      label: 'duplicate: at most 1 write unit',
      measured: `${duplicate.writeUnits}`,
      holds: duplicate.writeUnits <= 1,
    },
    {
      label: 'new event: at most 4 transitions',
      measured: `${fresh.transitions}`,
      holds: fresh.transitions <= 4,
    },
    {
      label: 'new event: at most 2 write units',
      measured: `${fresh.writeUnits}`,
      holds: fresh.writeUnits <= 2,
    },
    {
      label: 'one conditional write is the only service call before the business function starts',
      measured: `${fresh.callsBeforeBusiness} call(s): ${fresh.dynamoDbCalls.slice(0, fresh.callsBeforeBusiness).join(', ')}`,
      holds: fresh.callsBeforeBusiness === 1 && fresh.dynamoDbCalls[0] === 'PutItem',
    },
  ];
}

/** The cost model's inputs from the measurements (the business function's own 100 ms kept: ours does no work). */
export function modelInputs(settings: Settings, inFunction: InFunctionMeasured): ModelInputs {
  const standard = settings.default;
  const express = settings.express;
  const blueprintPath = (name: 'new' | 'duplicate'): PathFigures => {
    const measured = standard[name];
    const ownMs = express[name].executionMs - express[name].lambdaBilledMs;
    return {
      transitions: measured.transitions,
      writeUnits: measured.writeUnits,
      readUnits: measured.readUnits,
      lambda:
        measured.lambdaInvocations > 0
          ? [{ ...BUSINESS_FUNCTION, invocations: measured.lambdaInvocations }]
          : [],
      executionMs: Math.max(1, ownMs) + (measured.lambdaInvocations > 0 ? BUSINESS_FUNCTION.billedMs : 0),
      executionMemoryMb: 64,
    };
  };
  const guardMs = Math.max(0, inFunction.new.billedMs - inFunction.businessAloneMs);
  return {
    blueprint: { new: blueprintPath('new'), duplicate: blueprintPath('duplicate') },
    powertools: {
      new: {
        transitions: 0,
        writeUnits: inFunction.new.writeUnits,
        readUnits: inFunction.new.readUnits,
        lambda: [{ ...BUSINESS_FUNCTION, billedMs: BUSINESS_FUNCTION.billedMs + guardMs }],
        executionMs: 0,
        executionMemoryMb: 0,
      },
      duplicate: {
        transitions: 0,
        writeUnits: inFunction.duplicate.writeUnits,
        readUnits: inFunction.duplicate.readUnits,
        lambda: [{ ...BUSINESS_FUNCTION, billedMs: inFunction.duplicate.billedMs }],
        executionMs: 0,
        executionMemoryMb: 0,
      },
    },
    transactWrite: TRANSACT_WRITE_SAMPLE,
  };
}

const writes = (p: PathFiguresMeasured) =>
  p.dynamoDbCalls.filter((c) => /^(PutItem|UpdateItem|DeleteItem)/.test(c)).length;

/** The scaling simulation's per-path calls, default setting. */
export function pathCalls(settings: Settings): { new: PathCalls; duplicate: PathCalls } {
  const of = (p: PathFiguresMeasured): PathCalls => ({
    transitions: p.transitions,
    writes: writes(p),
    invokes: p.lambdaInvocations,
  });
  return { new: of(settings.default.new), duplicate: of(settings.default.duplicate) };
}

const n = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(2));

function pathRows(paths: Record<PathName, PathFiguresMeasured>, express: boolean): string[][] {
  return PATHS.map((name) => {
    const p = paths[name];
    return [
      PATH_LABELS[name],
      `${p.status}${p.error ? ` ${p.error}` : ''}`,
      express ? `(${p.transitions} states; not billed)` : n(p.transitions),
      n(p.writeUnits),
      n(p.readUnits),
      n(p.lambdaInvocations),
      n(p.lambdaBilledMs),
      n(p.callsBeforeBusiness),
      p.dynamoDbCalls.join(' → '),
      p.release ? `+${p.release.transitions} transitions, +${p.release.writeUnits} WRU` : '',
    ];
  });
}

const PATH_HEADER = [
  'path',
  'end',
  'transitions',
  'WRU',
  'RRU',
  'invocations',
  'Lambda billed ms',
  'calls before business',
  'DynamoDB calls',
  'release workflow',
];

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} cores (${cpu.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`;
}

/** Replaces the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in docs/cost.md. */
function replaceSection(file: string, name: string, body: string): void {
  const text = readFileSync(file, 'utf8');
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${start} … ${end} section`);
  writeFileSync(file, `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`);
}

interface SpeedRun {
  readonly transport: 'http' | 'in-process';
  readonly byConcurrency: Record<string, SpeedFigures>;
  readonly cpu: CpuBreakdown;
  readonly top: { name: string; ms: number }[];
}

async function speedRun(
  transport: 'http' | 'in-process',
  events: number,
  log: (line: string) => void,
): Promise<SpeedRun> {
  const bench = await startBenchRuntime({ meter: false, engineLambdaTransport: transport });
  try {
    const deployed = await deploySetting(bench, 'default');
    await measureSpeed(bench, deployed, 16, { events: () => Math.min(300, events), polling: false });
    const byConcurrency: Record<string, SpeedFigures> = {};
    for (const concurrency of CONCURRENCIES) {
      log(`speed (${transport}): concurrency ${concurrency}`);
      byConcurrency[String(concurrency)] = await measureSpeed(bench, deployed, concurrency, {
        events: (c) => (c === 1 ? Math.max(50, Math.round(events / 10)) : events),
        polling: transport === 'in-process',
      });
    }
    log(`speed (${transport}): CPU profile at concurrency 16`);
    const { breakdown, profile } = await profileBlueprint(bench, deployed, 16, Math.min(events, 1000));
    return { transport, byConcurrency, cpu: breakdown, top: topFunctions(profile, 12) };
  } finally {
    await bench.stop();
  }
}

function speedTable(run: SpeedRun): string {
  const rows: string[][] = [];
  for (const [c, s] of Object.entries(run.byConcurrency)) {
    const ratio = (floor: number, blueprint: number) => `${(floor / blueprint).toFixed(2)}x`;
    rows.push([
      c,
      `${s.floor.perSec}/s (p50 ${s.floor.p50Ms}, p99 ${s.floor.p99Ms} ms)`,
      `${s.blueprint.perSec}/s (p50 ${s.blueprint.p50Ms}, p99 ${s.blueprint.p99Ms} ms)`,
      ratio(s.floor.perSec, s.blueprint.perSec),
      `${s.floorDuplicate.perSec}/s (p50 ${s.floorDuplicate.p50Ms}, p99 ${s.floorDuplicate.p99Ms} ms)`,
      `${s.blueprintDuplicate.perSec}/s (p50 ${s.blueprintDuplicate.p50Ms}, p99 ${s.blueprintDuplicate.p99Ms} ms)`,
      ratio(s.floorDuplicate.perSec, s.blueprintDuplicate.perSec),
    ]);
  }
  return table(
    [
      'concurrency',
      'floor, new',
      'blueprint, new',
      'floor/blueprint',
      'floor, duplicate',
      'blueprint, duplicate',
      'floor/blueprint',
    ],
    rows,
  );
}

function cpuTable(run: SpeedRun): string {
  const rows = Object.entries(run.cpu.mainThreadMs)
    .filter(([, ms]) => ms > 0)
    .map(([category, ms]) => [`  ${category}`, ms.toFixed(3)]);
  return table(
    [`CPU ms per new event, concurrency 16 (${run.cpu.perSec}/s under the profiler)`, 'ms'],
    [
      ['runtime process, main thread', run.cpu.mainThreadTotalMs.toFixed(3)],
      ...rows,
      ['runtime process, other threads (Lambda workers, Node helpers)', run.cpu.otherThreadsMs.toFixed(3)],
      ['DynamoDB Local (JVM)', run.cpu.dynamoDbLocalMs.toFixed(3)],
    ],
  );
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const writeDocs = !process.argv.includes('--no-docs');
  const runs = Number(argument('--runs') ?? 3);
  const events = Number(argument('--events') ?? 2000);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const date = new Date().toISOString().slice(0, 10);

  // --- Counts: every path of every setting, with the capacity meter ------------------------------
  log('Counting: every path of every setting, with the capacity meter in front of DynamoDB Local…');
  const bench = await startBenchRuntime();
  let settings: Settings;
  let inFunction: InFunctionMeasured;
  let capacity: CapacityCheck[];
  try {
    settings = {} as Settings;
    for (const name of SETTINGS) {
      log(`counting: ${name}`);
      settings[name] = await measureSetting(bench, name, runs);
    }
    inFunction = await measureInFunction(bench, Math.max(10, runs * 5));
    capacity = await checkDynamoDbLocalCapacity(bench.runtime.dynamodb.endpoint, bench.tableName);
  } finally {
    await bench.stop();
  }

  // --- Speed: the engine's Lambda calls over HTTP (before) and in process (after) ------------------
  const before = await speedRun('http', events, log);
  const after = await speedRun('in-process', events, log);

  // --- Output ---------------------------------------------------------------------------------------
  console.log(`npm run bench, ${date}, ${machine()}\n`);
  for (const name of SETTINGS) {
    console.log(`Setting: ${SETTING_DEFINITIONS[name].label} (${runs} runs per path; Lambda ms: median)`);
    console.log(`${table(PATH_HEADER, pathRows(settings[name], name === 'express'))}\n`);
  }
  console.log(
    'transitions: billed on STANDARD, states entered plus task retries, from the history. WRU/RRU: as DynamoDB Local reported them through the capacity meter (a failed conditional write sized by DynamoDB’s rule: DynamoDB Local reports none). Lambda billed ms: the local run rounded up to 1 ms (the bench function does no work). calls before business: service calls answered before the business function started.\n',
  );
  console.log(
    table(
      ['DynamoDB Local capacity check', 'reported', 'DynamoDB rule'],
      capacity.map((c) => [c.label, c.reported === undefined ? 'none' : n(c.reported), n(c.expected)]),
    ),
  );
  console.log(
    `\nIn-function idempotency (Powertools' way, bench/handlers/in-function-idempotency.ts): new ${inFunction.new.billedMs} ms billed, ${inFunction.new.writeUnits} WRU; duplicate ${inFunction.duplicate.billedMs} ms, ${inFunction.duplicate.writeUnits} WRU, ${inFunction.duplicate.readUnits} RRU; the business function alone ${inFunction.businessAloneMs} ms.\n`,
  );
  const goals = targets(settings.default);
  console.log(
    table(
      ['target (default setting)', 'measured', 'holds'],
      goals.map((t) => [t.label, t.measured, t.holds ? 'yes' : 'NO']),
    ),
  );
  for (const run of [before, after]) {
    console.log(
      `\nSpeed, the engine's Lambda calls ${run.transport === 'http' ? 'over HTTP through the SDK (before)' : 'in process (after)'}: executions/s, latency StartExecution to SUCCEEDED (told by the service's feed)`,
    );
    console.log(speedTable(run));
    const polling = run.byConcurrency['16']?.blueprintPolling;
    if (polling)
      console.log(
        `  blueprint at 16, waited for by polling DescribeExecution every 25 ms: ${polling.perSec}/s (p50 ${polling.p50Ms}, p99 ${polling.p99Ms} ms)`,
      );
    console.log(`\n${cpuTable(run)}`);
    console.log('  most self time (ms, whole profiled run):');
    for (const f of run.top) console.log(`    ${String(f.ms).padStart(5)}  ${f.name}`);
  }
  const speedTargets = ['16', '64'].map((c) => {
    const s = after.byConcurrency[c] as SpeedFigures;
    const ratio = s.floor.perSec / s.blueprint.perSec;
    return { concurrency: c, ratio, holds: ratio <= 1.5 };
  });
  for (const t of speedTargets) {
    console.log(
      `target: blueprint within 1.5x of the floor at concurrency ${t.concurrency}: ${t.ratio.toFixed(2)}x, ${t.holds ? 'holds' : 'MISSED'}`,
    );
  }

  const inputs = modelInputs(settings, inFunction);
  const calls = pathCalls(settings);
  const list = approaches(inputs);
  console.log(`\nCost model, measured inputs\n${costTable(list)}`);
  for (const line of breakEvenLines(list)) console.log(`  ${line}`);

  if (writeDocs) {
    const dir = path.join(PROJECT_ROOT, 'bench', 'measured');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'model-inputs.json'), `${JSON.stringify(inputs, null, 2)}\n`);
    writeFileSync(path.join(dir, 'path-calls.json'), `${JSON.stringify(calls, null, 2)}\n`);
    const stamp = `measured by npm run bench on ${date}, ${machine()}`;
    writeFileSync(
      path.join(PROJECT_ROOT, 'docs', 'cost-chart.svg'),
      costChart(list, `Business function 256 MB arm64, 100 ms. Inputs measured (npm run bench, ${date}).`),
    );
    const costMd = path.join(PROJECT_ROOT, 'docs', 'cost.md');
    replaceSection(
      costMd,
      'paths',
      `${markdownTable(PATH_HEADER, pathRows(settings.default, false))}\n\n_${stamp}; ${runs} runs per path._`,
    );
    const costRows = costTable(list)
      .split('\n')
      .map((line) => line.split(/ {2,}/));
    replaceSection(
      costMd,
      'approaches',
      `${markdownTable(costRows[0] ?? [], costRows.slice(1))}\n\n_${stamp}._`,
    );
    log(
      'wrote bench/measured/model-inputs.json, bench/measured/path-calls.json, docs/cost-chart.svg, docs/cost.md',
    );
  }

  if (json) {
    const pathSummary = (p: PathFiguresMeasured) => ({
      transitions: p.transitions,
      writeUnits: p.writeUnits,
      readUnits: p.readUnits,
      lambdaInvocations: p.lambdaInvocations,
      lambdaBilledMs: p.lambdaBilledMs,
      callsBeforeBusiness: p.callsBeforeBusiness,
      status: p.status,
      ...(p.error ? { error: p.error } : {}),
      states: p.states,
      dynamoDbCalls: p.dynamoDbCalls,
      ...(p.release ? { release: p.release } : {}),
    });
    const summarizeSetting = (s: Record<PathName, PathFiguresMeasured>) =>
      Object.fromEntries(PATHS.map((p) => [p, pathSummary(s[p])]));
    const speed = (run: SpeedRun) =>
      Object.fromEntries(
        Object.entries(run.byConcurrency).map(([c, s]) => [
          c,
          {
            floorPerSec: s.floor.perSec,
            blueprintPerSec: s.blueprint.perSec,
            ratio: Math.round((s.floor.perSec / s.blueprint.perSec) * 100) / 100,
            floorP50Ms: s.floor.p50Ms,
            floorP99Ms: s.floor.p99Ms,
            blueprintP50Ms: s.blueprint.p50Ms,
            blueprintP99Ms: s.blueprint.p99Ms,
            duplicate: {
              floorPerSec: s.floorDuplicate.perSec,
              blueprintPerSec: s.blueprintDuplicate.perSec,
              floorP50Ms: s.floorDuplicate.p50Ms,
              blueprintP50Ms: s.blueprintDuplicate.p50Ms,
              blueprintP99Ms: s.blueprintDuplicate.p99Ms,
            },
            ...(s.blueprintPolling ? { blueprintPollingPerSec: s.blueprintPolling.perSec } : {}),
          },
        ]),
      );
    console.log(
      JSON.stringify({
        date,
        machine: machine(),
        paths: summarizeSetting(settings.default),
        settings: Object.fromEntries(SETTINGS.map((s) => [s, summarizeSetting(settings[s])])),
        inFunction,
        capacityCheck: capacity,
        targets: { cost: goals, speed: speedTargets },
        speed: { ...speed(after), cpu: after.cpu, before: { ...speed(before), cpu: before.cpu } },
        model: { inputs, calls },
      }),
    );
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
