/** A source of numbers in [0, 1): Math.random, or a seeded one so a run can be repeated. */
export type RandomSource = () => number;

/** A small seeded generator (mulberry32): the same seed gives the same draws. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Checks a share of calls: a number from 0 to 1. */
export function checkRate(name: string, value: number | undefined): number {
  const rate = value ?? 0;
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new RangeError(`${name} must be a share of calls from 0 to 1, got ${value}`);
  }
  return rate;
}
