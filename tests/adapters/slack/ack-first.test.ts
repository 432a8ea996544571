import { setTimeout as sleep } from 'node:timers/promises';
import { createAckFirst } from '../../../adapters/slack/ack-first';

/** Work that records when it ran and can be held open until released. */
function recorder() {
  const ran: string[] = [];
  const job = (name: string, hold?: Promise<void>) => async () => {
    ran.push(name);
    await hold;
    return name;
  };
  return { ran, job };
}

describe('ack first: work after an ack waits for a quiet moment', () => {
  it('runs work once no request is in progress and none arrived for the quiet time', async () => {
    const gate = createAckFirst({ quietMs: 20, maxWaitMs: 5_000, batch: 4 });
    const { ran, job } = recorder();
    const answered = gate.arrived();
    const done = gate.afterAck(job('first'));
    await sleep(40);
    expect(ran).toEqual([]); // a request is still being acked
    answered();
    await sleep(5);
    expect(ran).toEqual([]); // answered, but not quiet for long enough yet
    await expect(done).resolves.toBe('first');
    expect(ran).toEqual(['first']);
  });

  it('keeps waiting while requests keep arriving, and runs the work after at most maxWaitMs', async () => {
    const gate = createAckFirst({ quietMs: 30, maxWaitMs: 150, batch: 4 });
    const { ran, job } = recorder();
    // A request every 10 ms: never 30 ms of quiet.
    gate.arrived()();
    const stream = setInterval(() => gate.arrived()(), 10);
    const started = Date.now();
    const done = gate.afterAck(job('starved?'));
    try {
      await done;
    } finally {
      clearInterval(stream);
    }
    expect(ran).toEqual(['starved?']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('runs work that comes out of work which already waited at once, requests in progress or not, and drains it', async () => {
    const gate = createAckFirst({ quietMs: 60_000, maxWaitMs: 60_000, batch: 1 });
    const { ran, job } = recorder();
    gate.arrived();
    let open!: () => void;
    const hold = new Promise<void>((resolve) => (open = resolve));
    const first = gate.afterAck(job('waited already', hold), { waited: true });
    await sleep(10);
    expect(ran).toEqual(['waited already']);
    // It counts against the batch: other work still waits for its quiet moment.
    const later = gate.afterAck(job('later'));
    await sleep(10);
    expect(ran).toEqual(['waited already']);
    open();
    await first;
    await gate.drain();
    await expect(later).resolves.toBe('later');
  });

  it('starts at most `batch` pieces of work per quiet moment while earlier work still runs', async () => {
    const gate = createAckFirst({ quietMs: 1, maxWaitMs: 5_000, batch: 2 });
    const { ran, job } = recorder();
    let open!: () => void;
    const hold = new Promise<void>((resolve) => (open = resolve));
    const all = ['a', 'b', 'c', 'd'].map((name) => gate.afterAck(job(name, hold)));
    await sleep(30);
    expect(ran).toEqual(['a', 'b']);
    open();
    await Promise.all(all);
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
  });

  it('passes a failure on to the caller', async () => {
    const gate = createAckFirst({ quietMs: 1, maxWaitMs: 100, batch: 4 });
    await expect(
      gate.afterAck(async () => {
        throw new Error('the store went away');
      }),
    ).rejects.toThrow('the store went away');
    // The gate is not wedged by the failure.
    await expect(gate.afterAck(async () => 'next')).resolves.toBe('next');
  });

  it('drain lets waiting work run at once and resolves when all of it has finished', async () => {
    const gate = createAckFirst({ quietMs: 10_000, maxWaitMs: 60_000, batch: 4 });
    const { ran, job } = recorder();
    gate.arrived(); // a request that never finishes: without drain nothing would run for a minute
    const first = gate.afterAck(job('queued'));
    let finished = false;
    const slow = gate.afterAck(async () => {
      await sleep(30);
      finished = true;
    });
    await gate.drain();
    expect(ran).toEqual(['queued']);
    expect(finished).toBe(true);
    await expect(first).resolves.toBe('queued');
    await slow;
    // After a drain, later work runs straight away.
    await expect(gate.afterAck(async () => 'late')).resolves.toBe('late');
  });
});
