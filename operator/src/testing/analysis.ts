/** Analysis stand-ins for tests and benchmarks that exercise everything but the analysis itself. */
import type { AnalysisResult } from '@switchyard/api';
import type { Analyzer } from '../analysis/run-analysis.ts';

/** An analyzer under which every revision passes at once, with `message`. */
export function passingAnalyzer(message = 'ok'): Analyzer {
  return async ({ revision }): Promise<AnalysisResult> => {
    const now = new Date().toISOString();
    return { revision, phase: 'Passed', startedAt: now, finishedAt: now, checks: [], message };
  };
}
