import { describe, expect, it } from 'vitest';
import { createModelPickers, loadRoutingConfig } from './config.ts';
import { endpoint, NOW_MS } from './test-endpoints.ts';
import type { EndpointState } from './types.ts';

/** A long shared system prompt (several 256-char blocks) and prompts that share nothing. */
const SYSTEM = `Group 3 assistant. ${'kaloru mineta sovide parobe '.repeat(40)}`;
const unique = (i: number) => `unique ${i} ${'fagoku '.repeat(60)}`;

/** The default profile's choice for `prefixText` after `seen` earlier sightings of it. */
function choose(prefixText: string, loads: number[], seen: number): string | undefined {
  const picker = createModelPickers(loadRoutingConfig(undefined), () => NOW_MS)('m');
  const fleet = (l: number[]): EndpointState[] => l.map((o, i) => endpoint(`pod-${i}`, o));
  for (let i = 0; i < seen; i++) picker.pick({ model: 'm', prefixText }, fleet([0, 0, 0, 0]));
  return picker.pick({ model: 'm', prefixText }, fleet(loads))?.endpoint.id;
}

/** Where the ring puts the shared prompt on an idle fleet. */
const home = () => choose(SYSTEM, [0, 0, 0, 0], 1)!;
/** `loads` with `n` in flight on the shared prompt's home and `others` everywhere else. */
const homeLoaded = (n: number, others: number) =>
  [0, 1, 2, 3].map((i) => (`pod-${i}` === home() ? n : others));

describe('default profile', () => {
  it.each([
    {
      name: 'a seen prefix stays home with one more in flight there than anywhere else',
      text: SYSTEM,
      seen: 1,
      loads: () => homeLoaded(3, 2),
      want: () => home(),
    },
    {
      name: 'a seen prefix stays home even when home is the busiest within the load bound',
      text: SYSTEM,
      seen: 1,
      loads: () => homeLoaded(3, 1),
      want: () => home(),
    },
    {
      name: 'a seen prefix spills once home is over loadFactor × the average in flight',
      text: SYSTEM,
      seen: 1,
      loads: () => homeLoaded(9, 1),
      want: (got: string | undefined) => got !== home(),
    },
    {
      name: 'a prompt with no recent prefix goes to the least-loaded endpoint',
      text: unique(1),
      seen: 0,
      loads: () => [3, 2, 0, 2],
      want: () => 'pod-2',
    },
    {
      name: 'so does a first sighting of a shared prefix (nothing is cached for it yet)',
      text: SYSTEM,
      seen: 0,
      loads: () => [3, 2, 3, 1],
      want: () => 'pod-3',
    },
  ])('$name', ({ text, seen, loads, want }) => {
    const got = choose(text, loads(), seen);
    const expected = want(got);
    if (typeof expected === 'boolean') expect(expected).toBe(true);
    else expect(got).toBe(expected);
  });
});
