/**
 * A promise-chain mutex: callers run one at a time, in arrival order. Used where one process must serialise its
 * own writes (the embedded store's read-modify-write emulation, audit appends); it says nothing about other
 * processes — those are kept apart by unique indexes (MongoDB) or the data-directory lock (embedded).
 */
export interface Mutex {
  /** Runs `fn` once every earlier caller has finished; a failure in one caller does not block the next. */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export function createMutex(): Mutex {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      const result = tail.then(fn);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
