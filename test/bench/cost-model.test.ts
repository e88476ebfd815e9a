import {
  type Approach,
  approaches,
  BLUEPRINT_COUNTED,
  breakEven,
  costPerMillion,
  duplicateMsAtParity,
  expressExecutionCost,
  type PathFigures,
  PRICES,
  pathCost,
} from '../../bench/cost-model';

const path = (overrides: Partial<PathFigures>): PathFigures => ({
  transitions: 0,
  writeUnits: 0,
  readUnits: 0,
  lambda: [],
  executionMs: 0,
  executionMemoryMb: 64,
  ...overrides,
});

const approach = (id: string, newPath: PathFigures, duplicate: PathFigures): Approach => ({
  id,
  label: id,
  billing: 'STANDARD',
  figures: { new: newPath, duplicate },
  source: 'test',
});

describe('the cost model', () => {
  it("prices the blueprint's counted paths as docs/cost.md does: 4 transitions + 2 WRU, and 2 transitions + 1 WRU", () => {
    const newEvent = pathCost(BLUEPRINT_COUNTED.new, 'STANDARD');
    const duplicate = pathCost(BLUEPRINT_COUNTED.duplicate, 'STANDARD');

    expect(newEvent.stepFunctions).toBeCloseTo(0.0001, 12);
    expect(newEvent.dynamoDb).toBeCloseTo(0.00000125, 12);
    expect(duplicate.stepFunctions + duplicate.dynamoDb).toBeCloseTo(0.000050625, 12);
    expect(duplicate.lambda).toBe(0);
  });

  it('bills EXPRESS per request plus duration rounded up to 100 ms and memory rounded up to 64 MB', () => {
    const oneStep =
      PRICES.stepFunctionsExpressRequest.usd + 0.1 * (64 / 1024) * PRICES.stepFunctionsExpressGbSecond.usd;

    expect(expressExecutionCost(1, 1)).toBeCloseTo(oneStep, 15);
    expect(expressExecutionCost(100, 64)).toBeCloseTo(oneStep, 15);
    expect(expressExecutionCost(101, 65)).toBeCloseTo(
      PRICES.stepFunctionsExpressRequest.usd + 0.2 * (128 / 1024) * PRICES.stepFunctionsExpressGbSecond.usd,
      15,
    );
  });

  it('bills Lambda per request and GB-second, arm64 below x86_64', () => {
    const use = { invocations: 1, billedMs: 1000, memoryMb: 1024 } as const;
    const arm = pathCost(path({ lambda: [{ ...use, architecture: 'arm64' }] }), 'NO_WORKFLOW').lambda;
    const x86 = pathCost(path({ lambda: [{ ...use, architecture: 'x86_64' }] }), 'NO_WORKFLOW').lambda;

    expect(arm).toBeCloseTo(PRICES.lambdaRequest.usd + PRICES.lambdaGbSecondArm.usd, 15);
    expect(x86).toBeCloseTo(PRICES.lambdaRequest.usd + PRICES.lambdaGbSecondX86.usd, 15);
  });

  it('mixes the two paths linearly with the duplicate share', () => {
    const [standard] = approaches();
    if (!standard) throw new Error('no approaches');

    const at0 = costPerMillion(standard, 0);
    const at1 = costPerMillion(standard, 1);
    expect(costPerMillion(standard, 0.1)).toBeCloseTo(0.9 * at0 + 0.1 * at1, 9);
    expect(() => costPerMillion(standard, 1.5)).toThrow('duplicate ratio must be between 0 and 1, got 1.5');
  });

  it('solves the break-even exactly where the lines cross, and says none when one is cheaper throughout', () => {
    // Given A: new 4 transitions, duplicate 0; B: 2 transitions on both paths. They cross at d = 0.5.
    const a = approach('a', path({ transitions: 4 }), path({ transitions: 0 }));
    const b = approach('b', path({ transitions: 2 }), path({ transitions: 2 }));
    const c = approach('c', path({ transitions: 1 }), path({ transitions: 1 }));

    const crossing = breakEven(a, b);
    expect(crossing.kind).toBe('at');
    if (crossing.kind === 'at') {
      expect(crossing.ratio).toBe(0.5);
      expect(crossing.costPerMillion).toBeCloseTo(50, 9);
    }
    expect(breakEven(b, c)).toEqual({ kind: 'never', cheaper: 'c' });
    expect(breakEven(b, b)).toEqual({ kind: 'equal' });
  });

  it("finds the duplicate duration at which answering in the function costs what the blueprint's duplicate costs", () => {
    const list = approaches();
    const express = list.find((a) => a.id === 'blueprint-express');
    const inFunction = list.find((a) => a.id === 'powertools');
    if (!express || !inFunction) throw new Error('approaches missing');

    const ms = duplicateMsAtParity(express, inFunction);
    expect(ms).toBeDefined();
    const use = inFunction.figures.duplicate.lambda[0];
    if (ms === undefined || !use) throw new Error('no parity');
    const atParity = { ...inFunction.figures.duplicate, lambda: [{ ...use, billedMs: ms }] };
    expect(pathCost(atParity, 'NO_WORKFLOW').total).toBeCloseTo(
      pathCost(express.figures.duplicate, 'EXPRESS').total,
      15,
    );
  });
});
