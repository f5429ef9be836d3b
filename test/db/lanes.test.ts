import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLanes } from '../../src/db/lanes.ts';

/** A fake statement: resolves when `finish` is called, rejects when the fake engine cancels it. */
function fakeConnection() {
  const log: string[] = [];
  let running: { name: string; resolve: () => void; reject: (e: Error) => void } | null = null;
  const statement = (name: string) => () =>
    new Promise<string>((resolve, reject) => {
      expect(running, `${name} started while ${running?.name} runs`).toBeNull();
      log.push(`start ${name}`);
      running = {
        name,
        resolve: () => {
          running = null;
          log.push(`end ${name}`);
          resolve(name);
        },
        reject: (e) => {
          running = null;
          log.push(`cancelled ${name}`);
          reject(e);
        },
      };
    });
  const cancel = vi.fn(async () => {
    if (!running) return false;
    running.reject(new Error('Interrupted'));
    return true;
  });
  const finish = () => {
    if (!running) throw new Error('nothing runs');
    running.resolve();
  };
  return { log, statement, cancel, finish, current: () => running?.name ?? null };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('statement lanes', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs one statement at a time, foreground before background', async () => {
    const c = fakeConnection();
    const lanes = createLanes({ pauseMs: 100, cancel: c.cancel, now: () => Date.now() });
    const a = lanes.run(c.statement('a'));
    const bg = lanes.run(c.statement('bg'), { background: true });
    const b = lanes.run(c.statement('b'));
    await flush();
    expect(c.current()).toBe('a');
    c.finish();
    await flush();
    expect(c.current()).toBe('b');
    c.finish();
    await flush();
    // The background statement waits for the foreground to be quiet for pauseMs.
    expect(c.current()).toBeNull();
    await vi.advanceTimersByTimeAsync(99);
    expect(c.current()).toBeNull();
    await vi.advanceTimersByTimeAsync(2);
    expect(c.current()).toBe('bg');
    c.finish();
    await expect(Promise.all([a, b, bg])).resolves.toEqual(['a', 'b', 'bg']);
    expect(c.cancel).not.toHaveBeenCalled();
  });

  it('cancels a restartable background statement for a click and runs it again afterwards', async () => {
    const c = fakeConnection();
    const lanes = createLanes({ pauseMs: 50, cancel: c.cancel, now: () => Date.now() });
    const save = lanes.run(c.statement('save'), { background: true, restartable: true });
    await vi.advanceTimersByTimeAsync(60);
    expect(c.current()).toBe('save');
    const click = lanes.run(c.statement('click'));
    await flush();
    expect(c.cancel).toHaveBeenCalledTimes(1);
    expect(c.current()).toBe('click');
    c.finish();
    await expect(click).resolves.toBe('click');
    await vi.advanceTimersByTimeAsync(60);
    expect(c.current()).toBe('save');
    c.finish();
    await expect(save).resolves.toBe('save');
    expect(c.log).toEqual([
      'start save',
      'cancelled save',
      'start click',
      'end click',
      'start save',
      'end save',
    ]);
  });

  it('lets a background statement that cannot restart finish before the click', async () => {
    const c = fakeConnection();
    const lanes = createLanes({ pauseMs: 0, cancel: c.cancel, now: () => Date.now() });
    const swap = lanes.run(c.statement('swap'), { background: true });
    await vi.advanceTimersByTimeAsync(1);
    expect(c.current()).toBe('swap');
    const click = lanes.run(c.statement('click'));
    await flush();
    expect(c.cancel).not.toHaveBeenCalled();
    expect(c.current()).toBe('swap');
    c.finish();
    await flush();
    expect(c.current()).toBe('click');
    c.finish();
    await expect(Promise.all([swap, click])).resolves.toEqual(['swap', 'click']);
  });

  it('passes a real failure on to its caller', async () => {
    const lanes = createLanes({ pauseMs: 0, cancel: async () => false, now: () => Date.now() });
    await expect(lanes.run(() => Promise.reject(new Error('syntax error')))).rejects.toThrow(
      'syntax error',
    );
    await expect(lanes.run(async () => 1)).resolves.toBe(1);
  });

  it('moves a statement to the foreground when someone starts waiting for it', async () => {
    const c = fakeConnection();
    const lanes = createLanes({ pauseMs: 1000, cancel: c.cancel, now: () => Date.now() });
    let wanted = false;
    const first = lanes.run(c.statement('click'));
    await flush();
    const cube = lanes.run(c.statement('cube'), { background: () => !wanted });
    c.finish();
    await flush();
    // Nobody waits for the cube yet: it waits for the pause.
    expect(c.current()).toBeNull();
    await vi.advanceTimersByTimeAsync(500);
    expect(c.current()).toBeNull();
    // The view starts waiting for it: it runs with the next foreground statement's turn.
    wanted = true;
    const other = lanes.run(c.statement('next'));
    await flush();
    expect(c.current()).toBe('cube');
    c.finish();
    await flush();
    expect(c.current()).toBe('next');
    c.finish();
    await expect(Promise.all([first, cube, other])).resolves.toEqual(['click', 'cube', 'next']);
  });

  it('drops statements of work given up on, including one cancelled to restart', async () => {
    const c = fakeConnection();
    const lanes = createLanes({ pauseMs: 0, cancel: c.cancel, now: () => Date.now() });
    const stop = new AbortController();
    const opts = { background: true, restartable: true, signal: stop.signal };
    const settled = (p: Promise<string>) => p.then(String, (e: Error) => `failed: ${e.message}`);
    const one = settled(lanes.run(c.statement('one'), opts));
    const two = settled(lanes.run(c.statement('two'), opts));
    await vi.advanceTimersByTimeAsync(1);
    expect(c.current()).toBe('one');
    stop.abort(new Error('data changed'));
    const click = lanes.run(c.statement('click'));
    await flush();
    expect(c.current()).toBe('click');
    c.finish();
    await expect(click).resolves.toBe('click');
    await expect(one).resolves.toBe('failed: data changed');
    await expect(two).resolves.toBe('failed: data changed');
    await vi.advanceTimersByTimeAsync(10);
    expect(c.log).toEqual(['start one', 'cancelled one', 'start click', 'end click']);
  });

  it('idle resolves once nothing runs or waits', async () => {
    const c = fakeConnection();
    const lanes = createLanes({ pauseMs: 10, cancel: c.cancel, now: () => Date.now() });
    await expect(lanes.idle()).resolves.toBeUndefined();
    void lanes.run(c.statement('bg'), { background: true });
    let idle = false;
    void lanes.idle().then(() => {
      idle = true;
    });
    await vi.advanceTimersByTimeAsync(20);
    expect(idle).toBe(false);
    c.finish();
    await flush();
    expect(idle).toBe(true);
  });
});
