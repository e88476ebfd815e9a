/**
 * What a million events cost, by approach and share of duplicates, from per-path figures. Pure: no
 * I/O, no clock. The figures it is fed today are counted (docs/cost.md) or assumed; `npm run bench`
 * is to replace them with measured ones (transitions from histories, capacity units as DynamoDB
 * reports them, Lambda billed duration), through the same `PathFigures` shape.
 */

/** One function's share of a path: how often it is invoked and what each invocation is billed. */
export interface LambdaUse {
  readonly invocations: number;
  /** Billed duration of one invocation (Lambda bills per 1 ms). */
  readonly billedMs: number;
  readonly memoryMb: number;
  readonly architecture: 'x86_64' | 'arm64';
}

/** What one event costs in billable units on one path (new, or duplicate of a completed event). */
export interface PathFigures {
  /** Billed state transitions on STANDARD: states entered, retries included. Ignored on EXPRESS. */
  readonly transitions: number;
  readonly writeUnits: number;
  readonly readUnits: number;
  /** Every function the path invokes (the business function, a key-hashing function, ...). */
  readonly lambda: readonly LambdaUse[];
  /** The execution's duration, start to end: what EXPRESS bills (rounded up to 100 ms). */
  readonly executionMs: number;
  /** The execution's memory on EXPRESS (rounded up to 64 MB chunks); AWS estimates 50 MB + definition + data. */
  readonly executionMemoryMb: number;
}

export interface ApproachFigures {
  readonly new: PathFigures;
  readonly duplicate: PathFigures;
}

/** How the approach is billed: per transition, per request and duration, or no workflow at all. */
export type Billing = 'STANDARD' | 'EXPRESS' | 'NO_WORKFLOW';

export interface Approach {
  readonly id: string;
  readonly label: string;
  readonly billing: Billing;
  readonly figures: ApproachFigures;
  /** Where its behaviour (states, writes, invocations) was read. */
  readonly source: string;
}

interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
  readonly note?: string;
}

/**
 * us-east-1 list prices, written once. Free tiers are ignored (they are per account, not per
 * event), and so are volume tiers: each price is the first tier's.
 */
export const PRICES = {
  region: 'us-east-1',
  checked: '2026-11-30',
  stepFunctionsStandardTransition: {
    usd: 0.025 / 1000,
    unit: 'state transition ($0.025 per 1,000)',
    source: 'https://aws.amazon.com/step-functions/pricing/',
    note: 'retries are billed as transitions; free tier of 4,000 a month ignored',
  },
  stepFunctionsExpressRequest: {
    usd: 1.0 / 1_000_000,
    unit: 'request ($1.00 per million)',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  stepFunctionsExpressGbSecond: {
    usd: 0.00001667,
    unit: 'GB-second ($0.06 per GB-hour, the first 1,000 GB-hours a month; then $0.03, then $0.01642)',
    source: 'https://aws.amazon.com/step-functions/pricing/',
    note: 'duration rounded up to 100 ms, memory to 64 MB chunks; lower tiers above 1,000 GB-hours ignored',
  },
  dynamoDbWriteUnit: {
    usd: 0.625 / 1_000_000,
    unit: 'write request unit ($0.625 per million, on demand)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    note: 'halved from $1.25 on 1 November 2024; the figure is from secondary sources and the AWS News Blog update of 2025-01-31, the page renders its prices by script',
  },
  dynamoDbReadUnit: {
    usd: 0.125 / 1_000_000,
    unit: 'read request unit ($0.125 per million, on demand)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    note: 'halved from $0.25 on 1 November 2024, as above',
  },
  lambdaRequest: {
    usd: 0.2 / 1_000_000,
    unit: 'request ($0.20 per million)',
    source: 'https://aws.amazon.com/lambda/pricing/',
    note: 'free tier of 1 million requests and 400,000 GB-seconds a month ignored',
  },
  lambdaGbSecondX86: {
    usd: 0.0000166667,
    unit: 'GB-second, x86_64 (first 6 billion GB-seconds a month)',
    source: 'https://aws.amazon.com/lambda/pricing/',
    note: 'billed per 1 ms',
  },
  lambdaGbSecondArm: {
    usd: 0.0000133334,
    unit: 'GB-second, arm64 (first 7.5 billion GB-seconds a month)',
    source: 'https://aws.amazon.com/lambda/pricing/',
    note: 'billed per 1 ms',
  },
} as const satisfies { region: string; checked: string } & Record<string, Price | string>;

/** EXPRESS bills duration in 100 ms steps and memory in 64 MB chunks. */
export const EXPRESS_DURATION_STEP_MS = 100;
export const EXPRESS_MEMORY_STEP_MB = 64;

/** The duplicate shares the tables and chart report. */
export const DUPLICATE_RATIOS = [0, 0.1, 0.5, 0.9] as const;

/** Dollars per event, split by service. */
export interface EventCost {
  readonly stepFunctions: number;
  readonly dynamoDb: number;
  readonly lambda: number;
  readonly total: number;
}

export function lambdaCost(uses: readonly LambdaUse[]): number {
  let usd = 0;
  for (const use of uses) {
    const gbSeconds = (use.memoryMb / 1024) * (use.billedMs / 1000);
    const perGbSecond =
      use.architecture === 'arm64' ? PRICES.lambdaGbSecondArm.usd : PRICES.lambdaGbSecondX86.usd;
    usd += use.invocations * (PRICES.lambdaRequest.usd + gbSeconds * perGbSecond);
  }
  return usd;
}

/** One EXPRESS execution's charge: the request plus its rounded duration and memory. */
export function expressExecutionCost(executionMs: number, memoryMb: number): number {
  const billedSeconds = (Math.ceil(executionMs / EXPRESS_DURATION_STEP_MS) * EXPRESS_DURATION_STEP_MS) / 1000;
  const billedGb = (Math.ceil(memoryMb / EXPRESS_MEMORY_STEP_MB) * EXPRESS_MEMORY_STEP_MB) / 1024;
  return (
    PRICES.stepFunctionsExpressRequest.usd +
    billedSeconds * billedGb * PRICES.stepFunctionsExpressGbSecond.usd
  );
}

export function pathCost(path: PathFigures, billing: Billing): EventCost {
  const stepFunctions =
    billing === 'STANDARD'
      ? path.transitions * PRICES.stepFunctionsStandardTransition.usd
      : billing === 'EXPRESS'
        ? expressExecutionCost(path.executionMs, path.executionMemoryMb)
        : 0;
  const dynamoDb =
    path.writeUnits * PRICES.dynamoDbWriteUnit.usd + path.readUnits * PRICES.dynamoDbReadUnit.usd;
  const lambda = lambdaCost(path.lambda);
  return { stepFunctions, dynamoDb, lambda, total: stepFunctions + dynamoDb + lambda };
}

/** Dollars per million events when `duplicateRatio` (0..1) of them are duplicates of completed events. */
export function costPerMillion(approach: Approach, duplicateRatio: number): number {
  if (!(duplicateRatio >= 0 && duplicateRatio <= 1)) {
    throw new RangeError(`duplicate ratio must be between 0 and 1, got ${duplicateRatio}`);
  }
  const newCost = pathCost(approach.figures.new, approach.billing).total;
  const duplicateCost = pathCost(approach.figures.duplicate, approach.billing).total;
  return 1_000_000 * ((1 - duplicateRatio) * newCost + duplicateRatio * duplicateCost);
}

export type BreakEven =
  | { readonly kind: 'at'; readonly ratio: number; readonly costPerMillion: number }
  | { readonly kind: 'never'; readonly cheaper: string }
  | { readonly kind: 'equal' };

/**
 * The duplicate share at which two approaches cost the same. The cost per event is linear in the
 * ratio d: (1 - d)·new + d·duplicate, so the crossing is solved in closed form:
 * d = Δnew / (Δnew - Δduplicate), kept only when it falls within 0..1.
 */
export function breakEven(a: Approach, b: Approach): BreakEven {
  const deltaNew = pathCost(a.figures.new, a.billing).total - pathCost(b.figures.new, b.billing).total;
  const deltaDuplicate =
    pathCost(a.figures.duplicate, a.billing).total - pathCost(b.figures.duplicate, b.billing).total;
  // Below a millionth of a cent per event the two are the same for every practical purpose.
  const tolerance = 1e-12;
  if (Math.abs(deltaNew) < tolerance && Math.abs(deltaDuplicate) < tolerance) return { kind: 'equal' };
  const denominator = deltaNew - deltaDuplicate;
  if (Math.abs(denominator) >= tolerance) {
    const ratio = deltaNew / denominator;
    if (ratio >= 0 && ratio <= 1) return { kind: 'at', ratio, costPerMillion: costPerMillion(a, ratio) };
  }
  // No crossing in 0..1: the sign at d = 0.5 says which one is cheaper throughout.
  const middle = costPerMillion(a, 0.5) - costPerMillion(b, 0.5);
  return { kind: 'never', cheaper: middle < 0 ? a.id : b.id };
}

/** Every unordered pair's break-even. */
export function breakEvens(
  approaches: readonly Approach[],
): { a: Approach; b: Approach; result: BreakEven }[] {
  const pairs: { a: Approach; b: Approach; result: BreakEven }[] = [];
  for (const [i, a] of approaches.entries()) {
    for (const b of approaches.slice(i + 1)) pairs.push({ a, b, result: breakEven(a, b) });
  }
  return pairs;
}

// ---------------------------------------------------------------------------------------------
// Inputs today: counted or assumed. `npm run bench` replaces them with measured figures.

/** The business function of docs/cost.md's worked example: 256 MB on arm64, 100 ms. */
export const BUSINESS_FUNCTION: LambdaUse = {
  invocations: 1,
  billedMs: 100,
  memoryMb: 256,
  architecture: 'arm64',
};

/** 64 MB: AWS's estimate for a small definition and payload (50 MB + definition + data). */
const EXPRESS_MEMORY_MB = 64;

/**
 * The blueprint's default setting, counted from the definition (docs/cost.md, pinned by
 * test/blueprint/definition.test.ts): new = ClaimIdempotencyKey, RunBusinessLogic,
 * RecordCompletion, Processed; duplicate = ClaimIdempotencyKey, AlreadyProcessed. Execution
 * durations are assumed: the business function's 100 ms plus about 25 ms per service call.
 */
export const BLUEPRINT_COUNTED: ApproachFigures = {
  new: {
    transitions: 4,
    writeUnits: 2,
    readUnits: 0,
    lambda: [BUSINESS_FUNCTION],
    executionMs: 175,
    executionMemoryMb: EXPRESS_MEMORY_MB,
  },
  duplicate: {
    transitions: 2,
    writeUnits: 1,
    readUnits: 0,
    lambda: [],
    executionMs: 30,
    executionMemoryMb: EXPRESS_MEMORY_MB,
  },
};

/**
 * Powertools idempotency inside the business function (@aws-lambda-powertools/idempotency,
 * DynamoDBPersistenceLayer): every event invokes the function. A new event writes a conditional
 * PutItem and an UpdateItem; a duplicate's PutItem fails its condition and, with
 * ReturnValuesOnConditionCheckFailure ALL_OLD (always sent by the TypeScript version), brings the
 * stored record back on the error: no GetItem, no read unit. Durations are assumed: the function's
 * 100 ms plus about 8 ms per DynamoDB call; a duplicate runs only the PutItem.
 */
export const POWERTOOLS_ASSUMED: ApproachFigures = {
  new: {
    transitions: 0,
    writeUnits: 2,
    readUnits: 0,
    lambda: [{ ...BUSINESS_FUNCTION, billedMs: 116 }],
    executionMs: 0,
    executionMemoryMb: 0,
  },
  duplicate: {
    transitions: 0,
    writeUnits: 1,
    readUnits: 0,
    lambda: [{ ...BUSINESS_FUNCTION, billedMs: 10 }],
    executionMs: 0,
    executionMemoryMb: 0,
  },
};

/** The key-hashing function of AWS's sample: Python 3.9, x86_64, CDK's default 128 MB; duration assumed. */
const SAMPLE_HASH_FUNCTION: LambdaUse = {
  invocations: 1,
  billedMs: 5,
  memoryMb: 128,
  architecture: 'x86_64',
};

/**
 * AWS's idempotent-workflow sample (aws-samples/step-functions-workflows-collection,
 * idempotent-workflow/lib/idempotent-workflow.ts), the user's steps being one Task that invokes
 * the business function. States entered, new: the Pass that nests the payload, the Choice on a
 * JMESPath, the hashing Lambda, TransactWriteItems (one Update), the Parallel, the business Task,
 * UpdateItem (SUCCEEDED and the result), Succeed = 8. Duplicate: Pass, Choice, hashing Lambda,
 * TransactWriteItems (cancelled), GetItem (eventually consistent: ½ read unit), Choice, the Pass
 * that de-serializes the stored result, Succeed = 8. A transactional write costs 2 write units per
 * KB; that the cancelled one is charged the same is an assumption (not documented; to measure).
 */
export const TRANSACT_WRITE_SAMPLE: ApproachFigures = {
  new: {
    transitions: 8,
    writeUnits: 3,
    readUnits: 0,
    lambda: [SAMPLE_HASH_FUNCTION, BUSINESS_FUNCTION],
    executionMs: 250,
    executionMemoryMb: EXPRESS_MEMORY_MB,
  },
  duplicate: {
    transitions: 8,
    writeUnits: 2,
    readUnits: 0.5,
    lambda: [SAMPLE_HASH_FUNCTION],
    executionMs: 80,
    executionMemoryMb: EXPRESS_MEMORY_MB,
  },
};

export interface ModelInputs {
  readonly blueprint: ApproachFigures;
  readonly powertools: ApproachFigures;
  readonly transactWrite: ApproachFigures;
}

export const COUNTED_INPUTS: ModelInputs = {
  blueprint: BLUEPRINT_COUNTED,
  powertools: POWERTOOLS_ASSUMED,
  transactWrite: TRANSACT_WRITE_SAMPLE,
};

/** The four approaches compared, from one set of inputs. */
export function approaches(inputs: ModelInputs = COUNTED_INPUTS): Approach[] {
  return [
    {
      id: 'blueprint-standard',
      label: 'Blueprint, STANDARD',
      billing: 'STANDARD',
      figures: inputs.blueprint,
      source: 'state-machines/idempotency.asl.json (docs/cost.md)',
    },
    {
      id: 'blueprint-express',
      label: 'Blueprint, EXPRESS',
      billing: 'EXPRESS',
      figures: inputs.blueprint,
      source: 'state-machines/idempotency.asl.json (docs/cost.md)',
    },
    {
      id: 'powertools',
      label: 'Powertools in the function',
      billing: 'NO_WORKFLOW',
      figures: inputs.powertools,
      source:
        'aws-powertools/powertools-lambda-typescript packages/idempotency/src/persistence/DynamoDBPersistenceLayer.ts',
    },
    {
      id: 'transact-write-standard',
      label: 'TransactWriteItems sample, STANDARD',
      billing: 'STANDARD',
      figures: inputs.transactWrite,
      source:
        'aws-samples/step-functions-workflows-collection idempotent-workflow/lib/idempotent-workflow.ts',
    },
    {
      id: 'transact-write-express',
      label: 'TransactWriteItems sample, EXPRESS',
      billing: 'EXPRESS',
      figures: inputs.transactWrite,
      source:
        'aws-samples/step-functions-workflows-collection idempotent-workflow/lib/idempotent-workflow.ts',
    },
  ];
}

/**
 * How long the in-function approach's duplicate invocation would have to be billed (at its
 * memory and architecture) for its duplicate to cost what `workflow`'s duplicate costs: past it,
 * a duplicate is cheaper answered by the workflow than by the function. Solved in closed form.
 */
export function duplicateMsAtParity(workflow: Approach, inFunction: Approach): number | undefined {
  const target = pathCost(workflow.figures.duplicate, workflow.billing).total;
  const duplicate = inFunction.figures.duplicate;
  const [use, ...others] = duplicate.lambda;
  if (!use || others.length > 0 || use.invocations !== 1) return undefined;
  const withoutDuration = pathCost(
    { ...duplicate, lambda: [{ ...use, billedMs: 0 }] },
    inFunction.billing,
  ).total;
  const perMs =
    (use.memoryMb / 1024 / 1000) *
    (use.architecture === 'arm64' ? PRICES.lambdaGbSecondArm.usd : PRICES.lambdaGbSecondX86.usd);
  const ms = (target - withoutDuration) / perMs;
  return ms >= 0 ? ms : undefined;
}

// ---------------------------------------------------------------------------------------------
// Terminal output

const dollars = (usd: number): string =>
  usd >= 100 ? `$${usd.toFixed(0)}` : usd >= 10 ? `$${usd.toFixed(1)}` : `$${usd.toFixed(2)}`;

const percent = (ratio: number): string => `${+(ratio * 100).toFixed(1)}%`;

/** A plain-text table: the first column left-aligned, the others right-aligned unless `left`. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], left = false): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 || left ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Dollars per million events at each duplicate share, one row per approach. */
export function costTable(list: readonly Approach[], ratios: readonly number[] = DUPLICATE_RATIOS): string {
  return table(
    ['$ per million events', 'new', 'duplicate', ...ratios.map((r) => `${percent(r)} dup`)],
    list.map((a) => [
      a.label,
      dollars(1e6 * pathCost(a.figures.new, a.billing).total),
      dollars(1e6 * pathCost(a.figures.duplicate, a.billing).total),
      ...ratios.map((r) => dollars(costPerMillion(a, r))),
    ]),
  );
}

export function describeBreakEven(a: Approach, b: Approach, result: BreakEven): string {
  switch (result.kind) {
    case 'at':
      return `${a.label} = ${b.label} at ${percent(result.ratio)} duplicates (${dollars(result.costPerMillion)} per million)`;
    case 'equal':
      return `${a.label} and ${b.label} cost the same at every share`;
    case 'never': {
      const [cheaper, dearer] = result.cheaper === a.id ? [a, b] : [b, a];
      return `${cheaper.label} is cheaper than ${dearer.label} at every share: no break-even`;
    }
  }
}

export function breakEvenLines(list: readonly Approach[]): string[] {
  return breakEvens(list).map(({ a, b, result }) => describeBreakEven(a, b, result));
}

export function priceTable(): string {
  const rows = Object.values(PRICES as Record<string, Price | string>)
    .filter((p): p is Price => typeof p === 'object')
    .map((p) => [p.unit, p.source]);
  return table([`price (${PRICES.region}, checked ${PRICES.checked})`, 'source'], rows, true);
}
