import { describe, expect, it } from 'vitest';
import { createManualClock } from '../ratelimit/clock.ts';
import { createOutlierDetector } from './outlier-detector.ts';
import { endpoint } from './test-endpoints.ts';

function setup() {
  const clock = createManualClock();
  const events: string[] = [];
  const detector = createOutlierDetector({
    consecutiveFailures: 3,
    baseEjectionMs: 1000,
    maxEjectionMs: 3000,
    clock,
    onChange: (id, s) => events.push(`${id}:${s}`),
  });
  return { clock, detector, events };
}

describe('createOutlierDetector', () => {
  it('ejects after consecutive failures, not after scattered ones', () => {
    const { detector } = setup();
    detector.recordFailure('a');
    detector.recordFailure('a');
    detector.recordSuccess('a');
    detector.recordFailure('a');
    detector.recordFailure('a');
    expect(detector.state('a')).toBe('healthy');
    detector.recordFailure('a');
    expect(detector.state('a')).toBe('ejected');
    expect(detector.apply([endpoint('a'), endpoint('b')]).map((e) => e.ready)).toEqual([false, true]);
  });

  it('hands back the same endpoints, not a copy, while nothing is ejected or failing', () => {
    const { detector } = setup();
    const endpoints = [endpoint('a'), endpoint('b')];
    expect(detector.apply(endpoints)).toBe(endpoints);
    detector.recordFailure('a');
    expect(detector.apply(endpoints).map((e) => e.ready)).toEqual([true, true]);
    detector.recordSuccess('a');
    expect(detector.apply(endpoints)).toBe(endpoints);
  });

  it('lets exactly one probe through when half-open and recovers on its success', () => {
    const { detector, clock, events } = setup();
    for (let i = 0; i < 3; i++) detector.recordFailure('a');
    clock.advance(1000);
    expect(detector.state('a')).toBe('half-open');
    expect(detector.isAvailable('a')).toBe(true);
    detector.recordAttempt('a');
    expect(detector.isAvailable('a')).toBe(false);
    detector.recordSuccess('a');
    expect(detector.state('a')).toBe('healthy');
    expect(events).toEqual(['a:ejected', 'a:recovered']);
  });

  it('ejects again for twice as long (up to the maximum) when the probe fails', () => {
    const { detector, clock } = setup();
    for (let i = 0; i < 3; i++) detector.recordFailure('a');
    const ejectedFor: number[] = [];
    for (let round = 0; round < 3; round++) {
      clock.advance(ejectedFor.at(-1) ?? 1000);
      detector.recordAttempt('a');
      detector.recordFailure('a');
      let ms = 0;
      while (detector.state('a') === 'ejected') {
        clock.advance(100);
        ms += 100;
      }
      ejectedFor.push(ms);
    }
    expect(ejectedFor).toEqual([2000, 3000, 3000]);
  });
});
