/**
 * Virtual time for code that runs several timed loops at once (the proof's check and heartbeat share one clock):
 * `sleep` registers a timer, and `run` lets the work go on until nothing but timers can move it, then moves the
 * clock to the earliest timer and fires it — so concurrent sleeps end in time order, as they would for real, and
 * a test never depends on the machine's speed. Only for work whose other awaits are in-memory (scripted
 * clients): anything waiting on real I/O or a real timer would look like a deadlock.
 */
export class VirtualClock {
  private ms: number;
  private sequence = 0;
  private readonly timers: { at: number; sequence: number; fire: () => void }[] = [];
  /** Every sleep asked for, in order. */
  readonly sleeps: number[] = [];

  constructor(startMs = 1_764_583_200_000) {
    this.ms = startMs;
  }

  readonly now = (): number => this.ms;

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps.push(ms);
    return new Promise((resolve) => {
      if (ms <= 0 || signal?.aborted) return resolve();
      // Fired or aborted, a timer leaves nothing behind (no abort listener piling up on a long-lived signal).
      const aborted = () => {
        const index = this.timers.indexOf(timer);
        if (index >= 0) this.timers.splice(index, 1);
        resolve();
      };
      const timer = {
        at: this.ms + ms,
        sequence: this.sequence++,
        fire: () => {
          signal?.removeEventListener('abort', aborted);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', aborted, { once: true });
    });
  };

  /** Runs `work` to its end (resolved or rejected), moving virtual time whenever it only waits on a timer. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const watched = work.finally(() => {
      settled = true;
    });
    watched.catch(() => {});
    for (;;) {
      // A macrotask runs only once every pending promise reaction has: the work is idle or done.
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return watched;
      this.timers.sort((a, b) => a.at - b.at || a.sequence - b.sequence);
      const next = this.timers.shift();
      if (!next) throw new Error('VirtualClock: the work waits on something other than a timer');
      this.ms = next.at;
      next.fire();
    }
  }
}
