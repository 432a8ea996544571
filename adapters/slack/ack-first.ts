import { performance } from 'node:perf_hooks';

/**
 * Acks before answers. Slack enforces its 3-second acknowledgement; the answer that follows (a reply through the
 * response URL, a modal, a card update) has no such deadline. Work that runs after an ack therefore waits while
 * Slack requests are still arriving, so a burst is acknowledged at the speed of the receiver alone and answered as
 * soon as it ends. No answer waits longer than `maxWaitMs`: a steady stream of requests delays the answers by that
 * much at most, it never starves them. Measured in bench/slack-ack.bench.ts.
 */
export interface AckFirst {
  /** Called as a request reaches the route; the returned function once the request has been answered. */
  arrived(): () => void;
  /**
   * Runs `work` once the route is quiet (or it has waited `maxWaitMs`). Rejects as `work` does. Work that comes out
   * of work which already waited (`waited`) runs at once: no answer waits twice.
   */
  afterAck<T>(work: () => Promise<T>, options?: { waited?: boolean }): Promise<T>;
  /** Lets everything waiting run now, runs later work at once, and resolves when all of it has finished. */
  drain(): Promise<void>;
}

/**
 * Set in Bolt's context for a request the Slack route acked itself (events-route.ts): its processing already
 * waited for a quiet moment, so the listener's work after the ack runs straight on (interaction-kit.ts).
 */
export const ACKED_AT_ROUTE = 'itsmAckedAtRoute';

/** How long the route must have been quiet, and how long work may wait at most. */
export interface AckFirstTimings {
  /** No request in progress and none arrived or answered for this long (default 5 ms). */
  quietMs: number;
  /** The longest any work waits for a quiet moment (default 500 ms; a modal's trigger lasts 3 s). */
  maxWaitMs: number;
  /**
   * Work started per quiet moment while earlier work still runs (default 4): a request that arrives just after a
   * quiet moment waits behind this much work at most. Work that has waited `maxWaitMs` starts regardless.
   */
  batch: number;
}

/**
 * Production timings. Socket Mode has no route to watch: there the work starts at once, `batch` at a time, and the
 * rest after `maxWaitMs`.
 */
export const DEFAULT_ACK_FIRST: AckFirstTimings = { quietMs: 5, maxWaitMs: 500, batch: 4 };

interface Waiting {
  since: number;
  release: () => void;
}

/** Creates the gate the Slack route reports its requests to and the listeners run their follow-up work through. */
export function createAckFirst(timings: AckFirstTimings = DEFAULT_ACK_FIRST): AckFirst {
  const waiting: Waiting[] = [];
  const running = new Set<Promise<unknown>>();
  let inFlight = 0;
  /** Work released and not finished yet. */
  let started = 0;
  let lastActivity = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  let draining = false;

  function release(entries: Waiting[]): void {
    started += entries.length;
    for (const entry of entries) entry.release();
  }

  /** Releases the waiting work if the route is quiet or the oldest has waited long enough; else looks again later. */
  function review(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (waiting.length === 0) return;
    const now = performance.now();
    const quietFor = now - lastActivity;
    if (draining) return release(waiting.splice(0));
    const overdue = waiting.findIndex((entry) => now - entry.since < timings.maxWaitMs);
    if (overdue !== 0) release(waiting.splice(0, overdue === -1 ? waiting.length : overdue));
    if (inFlight === 0 && quietFor >= timings.quietMs && started < timings.batch) release(waiting.splice(0, timings.batch - started));
    if (waiting.length === 0) return;
    const untilQuiet = inFlight === 0 ? Math.max(0, timings.quietMs - quietFor) : timings.quietMs;
    timer = setTimeout(reviewAfterPoll, Math.max(1, Math.min(untilQuiet, timings.maxWaitMs - (now - waiting[0]!.since))));
  }

  /**
   * Timers fire before the event loop reads its sockets: after a pause (a GC, a long piece of work) requests may be
   * waiting unread while the route looks quiet. Deciding on the next turn, after they are read, sees them.
   */
  function reviewAfterPoll(): void {
    timer = undefined;
    setImmediate(review);
  }

  function track<T>(work: Promise<T>): Promise<T> {
    running.add(work);
    const forget = () => running.delete(work);
    work.then(forget, forget);
    return work;
  }

  function turn(): Promise<void> {
    if (draining) {
      started += 1;
      return Promise.resolve();
    }
    return new Promise<void>((release) => {
      waiting.push({ since: performance.now(), release });
      // Looked at on the next turn of the event loop, after the requests already on their sockets are read.
      if (waiting.length === 1) setImmediate(review);
    });
  }

  return {
    arrived() {
      inFlight += 1;
      lastActivity = performance.now();
      let answered = false;
      return () => {
        if (answered) return;
        answered = true;
        inFlight -= 1;
        lastActivity = performance.now();
        if (waiting.length > 0 && !timer) timer = setTimeout(reviewAfterPoll, timings.quietMs);
      };
    },
    afterAck<T>(work: () => Promise<T>, options: { waited?: boolean } = {}): Promise<T> {
      const ready = options.waited ? Promise.resolve(void (started += 1)) : turn();
      const done = ready.then(async () => {
        try {
          return await work();
        } finally {
          started -= 1;
          if (waiting.length > 0) setImmediate(review);
        }
      });
      return track(done);
    },
    async drain() {
      draining = true;
      review();
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
