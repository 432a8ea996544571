/** The one source of "now" for flows, jobs and repositories, so tests can move time. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move: for tests and for replaying a job at a chosen time. */
export class ManualClock implements Clock {
  private current: Date;
  constructor(start: Date | string = '2026-03-02T09:00:00Z') {
    this.current = new Date(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
