// testkit: the one error type of this workspace; it names the component and the step that failed.

/** A testkit failure: which component, which step (install, start, ready check...), and where its log is. */
export class TestkitError extends Error {
  /** Component name, e.g. `redis` or `kube-apiserver`. */
  readonly component: string;
  /** The step that failed, e.g. `install: go build`, `start`, `wait for readiness`. */
  readonly step: string;
  /** Log file kept for this failure, if any. */
  readonly logFile: string | undefined;

  constructor(
    component: string,
    step: string,
    message: string,
    options: { logFile?: string; cause?: unknown } = {},
  ) {
    const where = options.logFile ? ` (log: ${options.logFile})` : '';
    super(`[testkit] ${component}: ${step} failed: ${message}${where}`, { cause: options.cause });
    this.name = 'TestkitError';
    this.component = component;
    this.step = step;
    this.logFile = options.logFile;
  }
}
