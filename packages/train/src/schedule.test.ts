import { describe, expect, it } from 'vitest';
import { baseSchedule, lrMultiplier } from './schedule.js';

describe('learning-rate schedule (spec §3.4)', () => {
  it('reproduces the reference\'s warmup numbers for W=5, T=20', () => {
    const o = { epochs: 20, warmupPeriod: 5 };
    // the spec's quoted figures are the warmup factor ω = 1 − exp(−(e+2)/W) on top of the cosine schedule
    const warm = (e: number) => lrMultiplier(e, o) / baseSchedule(e, o);
    expect(warm(0)).toBeCloseTo(0.330, 3);
    expect(warm(4)).toBeCloseTo(0.699, 3);
    expect(warm(9)).toBeCloseTo(0.889, 3);
    expect(warm(19)).toBeCloseTo(0.985, 3); // the warmup never finishes
    expect(lrMultiplier(4, o)).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI / 5)) * (1 - Math.exp(-6 / 5)), 12);
  });

  it('has step and multistep schedules, and needs one period for step', () => {
    expect(lrMultiplier(25, { epochs: 50, scheduler: 'step', lrSchedule: [10], lrFactor: 0.5 })).toBe(0.25);
    expect(lrMultiplier(7, { epochs: 50, scheduler: 'multistep', lrSchedule: [3, 7, 20], lrFactor: 0.1 })).toBeCloseTo(0.01, 12);
    expect(lrMultiplier(0, { epochs: 10 })).toBe(1);
    expect(() => lrMultiplier(0, { epochs: 10, scheduler: 'step', lrSchedule: [2, 4] })).toThrow(/exactly one period/);
  });
});
