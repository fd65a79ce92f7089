// Types of a channel move and the hook through which other parts of the system follow one: the operator
// (a later issue) registers a hook that moves the model's Kubernetes resource after the DynamoDB
// transaction commits. The registry itself never imports Kubernetes.

/** One committed move of a channel pointer, exactly as written to the audit trail. */
export interface ChannelMove {
  model: string;
  channel: string;
  action: 'promote' | 'rollback';
  /** Undefined on a channel's first promote. */
  fromVersion?: string;
  toVersion: string;
  /** The channel's revision after this move (1 on the first promote). */
  revision: number;
  actor: string;
  /** ISO-8601 time of the move. */
  at: string;
  reason?: string;
}

/**
 * Called after a channel move commits, in registration order. A hook that throws does not undo the move
 * (the audit trail already has it); the command reports the failure with exit code 8 so it can be retried.
 */
export interface ChannelMoveHook {
  /** Names the hook in error messages, e.g. `kubernetes ModelDeployment`. */
  readonly name: string;
  afterChannelMove(move: ChannelMove): Promise<void>;
}

/** An audit entry as the rollback planner needs it (newest first). */
export interface AuditStep {
  action: 'promote' | 'rollback';
  fromVersion?: string | undefined;
  toVersion: string;
}

/**
 * The version a rollback returns to by default: the one the channel pointed at before the promote that
 * brought in the current version. Repeated rollbacks walk back through the promotes (v3 → v2 → v1).
 * Undefined when the current version was the channel's first.
 */
export function pickRollbackTarget(
  currentVersion: string,
  newestFirst: readonly AuditStep[],
): string | undefined {
  const promote = newestFirst.find((step) => step.action === 'promote' && step.toVersion === currentVersion);
  return promote?.fromVersion;
}
