/**
 * `npm run load` in small (issue 12, point 8): about 500 events, 30% duplicates, every fault kind,
 * the key passed downstream. The load app (load/app.ts) is deployed from its cloud assembly with
 * the fault injectors of the runtime in place, and the side effects are counted in the business
 * function's own ledger, outside the guard. Speed and memory are printed by `npm run load`, not
 * asserted here.
 */
import { runLoad } from '../../load/driver';
import { DEFAULT_OPTIONS, FAULT_KINDS, type FaultRates } from '../../load/options';

/** High enough that every kind happens in a run of this size. */
const EVERY_FAULT: FaultRates = {
  businessErrorBefore: 0.02,
  businessErrorAfter: 0.02,
  businessTimeout: 0.01,
  lambda5xx: 0.02,
  crashWhileRunning: 0.03,
  crashBeforeCompletion: 0.02,
  dynamodbThrottle: 0.02,
  dynamodb5xx: 0.01,
  dynamodb5xxAfterWrite: 0.01,
  dynamodbSlow: 0.02,
};

describe('Given 500 events with 30% duplicates, every fault kind, and the key passed downstream', () => {
  test('When they are delivered at least once with redelivery, Then every key has exactly one side effect or was dead-lettered with a reason, and no execution is left running', async () => {
    const report = await runLoad({
      ...DEFAULT_OPTIONS,
      events: 500,
      concurrency: 32,
      faults: EVERY_FAULT,
      // Shorter Wait states and Retry pauses (the release workflow's wait too): harmless with the key,
      // where a second run of the business logic is refused by the ledger's conditional write.
      timeScale: 0.1,
      redeliveryDelayMs: 1000,
      seed: 12,
    });

    for (const kind of FAULT_KINDS) expect([kind, report.faults[kind]]).toEqual([kind, expect.any(Number)]);
    expect(FAULT_KINDS.filter((kind) => report.faults[kind] === 0)).toEqual([]);
    expect(report.doubleSideEffects).toBe(0);
    expect(report.lost).toBe(0);
    expect(report.stuckRunning).toBe(0);
    expect(report.processesLeft).toBe(0);
    expect(report.unresolvedKeys).toBe(0);
    expect(report.completedKeys + report.deadLetteredKeys).toBe(report.uniqueKeys);
    for (const state of Object.values(report.keys)) expect(state).toMatch(/^(COMPLETED|DEAD_LETTERED: .+)$/);
    // The guard did its work: more deliveries than keys, yet one side effect per completed key.
    expect(report.deliveries).toBeGreaterThan(report.uniqueKeys);
    expect(report.sideEffects).toBe(report.completedKeys + report.deadLetteredWithSideEffect);
  }, 120_000);
});
