import { seededRandom } from '@sfn-idempotency/local-runtime';
import {
  COUNTED_CALLS,
  EXPRESS_QUOTAS,
  type SimulationOptions,
  STANDARD_QUOTAS,
  simulate,
  stepsAfterClaim,
  TokenBucket,
} from '../../bench/scaling-sim';

const steady = (perSecond: number, seconds = 10) =>
  ({ kind: 'steady', perSecond, seconds, duplicateShare: 0.1 }) as const;

describe('the scaling simulation', () => {
  it('gives the same result for the same seed', () => {
    const options: SimulationOptions = {
      workflow: 'EXPRESS',
      quotas: EXPRESS_QUOTAS,
      arrivals: { kind: 'burst', count: 3000, perSecond: 3000 },
      seed: 7,
    };

    expect(simulate(options)).toEqual(simulate(options));
    expect(seededRandom(7)()).toBe(seededRandom(7)());
  });

  it('throttles nothing below the quotas, and bills the counted calls per path', () => {
    // Given 100 events a second for 10 s on STANDARD, a tenth of them repeating an earlier key
    const result = simulate({
      workflow: 'STANDARD',
      quotas: STANDARD_QUOTAS,
      arrivals: steady(100),
      seed: 1,
    });

    // Then every event started and ended as new or duplicate, with the counted calls and no retry
    expect(result.throttled).toEqual({ startExecution: 0, stateTransition: 0, dynamoDbWrite: 0, lambda: 0 });
    expect(result.outcomes.new + result.outcomes.duplicate).toBe(1000);
    expect(result.outcomes.failed).toBe(0);
    expect(result.billed.transitions).toBe(4 * result.outcomes.new + 2 * result.outcomes.duplicate);
    expect(result.billed.writeUnits).toBe(2 * result.outcomes.new + result.outcomes.duplicate);
    expect(result.billed.lambdaInvocations).toBe(result.outcomes.new);
  });

  it("throttles STANDARD's StartExecution above its refill rate once the bucket is spent, and every event still starts", () => {
    const result = simulate({
      workflow: 'STANDARD',
      quotas: STANDARD_QUOTAS,
      arrivals: steady(600, 10),
      seed: 1,
    });

    expect(result.throttled.startExecution).toBeGreaterThan(0);
    expect(result.started).toBe(6000);
    expect(result.outcomes.new + result.outcomes.duplicate).toBe(6000);
    // 1,300 at once, then 300 a second: the last of 6,000 cannot start before 15.6 s.
    expect(result.completionSeconds).toBeGreaterThan((6000 - 1300) / 300);
  });

  it("holds a hot key's duplicates to its partition's 1,000 write units a second", () => {
    // Given 5,000 duplicates of one completed key on EXPRESS, sent at once
    const result = simulate({
      workflow: 'EXPRESS',
      quotas: EXPRESS_QUOTAS,
      arrivals: { kind: 'burst', count: 5000, perSecond: 5000 },
      seed: 1,
    });

    // Then none runs the business logic, the claims are throttled, and those answered took
    // at least a second per thousand
    expect(result.outcomes.new).toBe(0);
    expect(result.billed.lambdaInvocations).toBe(0);
    expect(result.throttled.dynamoDbWrite).toBeGreaterThan(0);
    expect(result.outcomes.duplicate + result.outcomes.failed).toBe(5000);
    expect(result.completionSeconds).toBeGreaterThan(result.billed.writeUnits / 1000 - 1);
  });

  it('turns per-path call counts into the steps after the claim', () => {
    expect(stepsAfterClaim(COUNTED_CALLS.new)).toEqual(['invoke', 'write', 'state']);
    expect(stepsAfterClaim(COUNTED_CALLS.duplicate)).toEqual(['state']);
  });

  it('a token bucket refuses when empty and refills at its rate; reserving queues instead', () => {
    const bucket = new TokenBucket(2, 1);
    expect([bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0)]).toEqual([true, true, false]);
    expect(bucket.tryTake(1000)).toBe(true);

    const queue = new TokenBucket(1, 10);
    expect([queue.reserve(0), queue.reserve(0), queue.reserve(0)]).toEqual([0, 100, 200]);
  });
});
