// The ModelDeployment spec schema and the condition helpers, as the operator and llmctl rely on them.
import { describe, expect, it } from 'vitest';
import { ConditionReason, ConditionType, getCondition, setCondition } from './conditions.ts';
import { parseModelDeploymentSpec } from './model-deployment.ts';

describe('parseModelDeploymentSpec', () => {
  it('fills every default from a minimal spec', () => {
    const spec = parseModelDeploymentSpec({ model: 'm', registry: { version: 'v1' } });
    expect(spec.replicas).toEqual({ min: 1, max: 1 });
    expect(spec.rollout.strategy).toBe('BlueGreen');
    expect(spec.rollout.analysis.maxErrorRate).toBe(0.05);
    expect(spec.scaling.queueTrigger).toBe('external');
    expect(spec.engine.port).toBe(8000);
  });

  it.each([
    [{ model: 'm', registry: {} }, 'registry'],
    [{ model: 'm', registry: { version: 'v1', channel: 'prod' } }, 'registry'],
    [{ model: 'm', registry: { version: 'v1' }, replicas: { min: 3, max: 2 } }, 'replicas.min'],
    [
      { model: 'm', registry: { version: 'v1' }, rollout: { analysis: { maxErrorRate: 2 } } },
      'rollout.analysis.maxErrorRate',
    ],
  ])('rejects %j at %s', (raw, path) => {
    const result = (() => {
      try {
        parseModelDeploymentSpec(raw);
        return undefined;
      } catch (error) {
        return (error as { issues: { path: PropertyKey[] }[] }).issues[0]?.path.join('.');
      }
    })();
    expect(result).toBe(path);
  });
});

describe('setCondition', () => {
  const at = (t: string) => `2026-01-01T00:00:0${t}Z`;
  it('keeps the transition time while the status stays the same', () => {
    const first = setCondition([], {
      type: ConditionType.ready,
      status: 'True',
      reason: ConditionReason.revisionAvailable,
      message: 'a',
      lastTransitionTime: at('1'),
    });
    const second = setCondition(first, { ...first[0]!, message: 'b', lastTransitionTime: at('2') });
    expect(getCondition(second, ConditionType.ready)).toMatchObject({
      message: 'b',
      lastTransitionTime: at('1'),
    });
  });

  it('moves the transition time when the status changes and orders Ready, Progressing, Degraded', () => {
    const list = setCondition(
      [
        {
          type: ConditionType.degraded,
          status: 'False',
          reason: ConditionReason.asExpected,
          message: '',
          lastTransitionTime: at('1'),
        },
      ],
      {
        type: ConditionType.ready,
        status: 'False',
        reason: ConditionReason.noActiveRevision,
        message: '',
        lastTransitionTime: at('2'),
      },
    );
    const next = setCondition(list, { ...list[1]!, status: 'True', lastTransitionTime: at('3') });
    expect(next.map((c) => [c.type, c.lastTransitionTime])).toEqual([
      ['Ready', at('2')],
      ['Degraded', at('3')],
    ]);
  });
});
