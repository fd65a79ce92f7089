/** Counts requests in flight so a graceful shutdown can wait for them. */

/** In-flight counter with a wait-until-idle for draining. */
export class InflightTracker {
  #count = 0;
  #waiters: Array<() => void> = [];

  /** Requests in flight now. */
  get count(): number {
    return this.#count;
  }

  enter(): void {
    this.#count++;
  }

  leave(): void {
    this.#count--;
    if (this.#count === 0) {
      for (const wake of this.#waiters.splice(0)) wake();
    }
  }

  /** Resolves true when nothing is in flight, false if `timeoutMs` passes first. */
  waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.#waiters.push(wake);
    });
  }
}
