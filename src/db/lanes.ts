/**
 * Statement scheduling for the browser's one connection: a foreground lane (what the analyst
 * waits for) and a background lane (saving, preparing pre-aggregates ahead of need).
 *
 * - One statement runs at a time (the connection's results must not interleave).
 * - Foreground statements always go first. Background ones start only after the foreground has
 *   been quiet for `pauseMs`, so a burst of clicks never meets one halfway.
 * - A restartable background statement that is running when foreground work arrives is
 *   cancelled and queued again (it was one statement, rolled back whole by the engine), so a
 *   click waits for the cancel, not for a multi-second build.
 * - A statement's lane may be a function, read again whenever the queue moves: work that someone
 *   starts waiting for moves to the foreground.
 */

export interface LaneOptions {
  /** Background lane; a function is read each time the statement is queued. */
  background?: boolean | (() => boolean);
  /** Safe to cancel and run again from the start (one statement, no open transaction). */
  restartable?: boolean;
  /** Work given up on: a statement not started yet (or cancelled to restart) is not run. */
  signal?: AbortSignal;
}

export interface Lanes {
  run<T>(work: () => Promise<T>, options?: LaneOptions): Promise<T>;
  /** Resolves when nothing runs or waits. */
  idle(): Promise<void>;
}

interface Task {
  start: () => void;
  options: LaneOptions;
}

const abandoned = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException('The work was given up on.', 'AbortError');

const isBackground = (o: LaneOptions) =>
  typeof o.background === 'function' ? o.background() : Boolean(o.background);

export function createLanes(config: {
  pauseMs: number;
  /** Cancel the statement in flight. */
  cancel: () => Promise<unknown>;
  now?: () => number;
}): Lanes {
  const now = config.now ?? (() => performance.now());
  const fg: Task[] = [];
  const bg: Task[] = [];
  let current: { task: Task; preempted: boolean } | null = null;
  let lastForeground = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let waiters: (() => void)[] = [];

  const queue = (task: Task, front = false) => {
    const lane = isBackground(task.options) ? bg : fg;
    if (front) lane.unshift(task);
    else lane.push(task);
  };

  const pump = () => {
    // Background statements someone now waits for go first: they were asked for earlier.
    const promoted = bg.filter((t) => !isBackground(t.options));
    if (promoted.length > 0) {
      fg.unshift(...promoted);
      bg.splice(0, bg.length, ...bg.filter((t) => isBackground(t.options)));
    }
    if (current) {
      // Foreground work is waiting behind a background statement that can start over later.
      if (
        fg.length > 0 &&
        !current.preempted &&
        isBackground(current.task.options) &&
        current.task.options.restartable
      ) {
        current.preempted = true;
        void config.cancel().catch(() => {});
      }
      return;
    }
    const next = fg.shift();
    if (next) {
      current = { task: next, preempted: false };
      next.start();
      return;
    }
    if (bg.length === 0) {
      const done = waiters;
      waiters = [];
      for (const w of done) w();
      return;
    }
    const wait = lastForeground + config.pauseMs - now();
    if (wait > 0) {
      timer ??= setTimeout(() => {
        timer = null;
        pump();
      }, wait);
      return;
    }
    const task = bg.shift() as Task;
    current = { task, preempted: false };
    task.start();
  };

  return {
    run<T>(work: () => Promise<T>, options: LaneOptions = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const task: Task = {
          options,
          start: () => {
            if (options.signal?.aborted) {
              finish(false);
              reject(abandoned(options.signal));
              return;
            }
            void work().then(
              (value) => {
                finish(false);
                resolve(value);
              },
              (err: unknown) => {
                const preempted = current?.preempted === true;
                const again = preempted && !options.signal?.aborted;
                finish(again);
                if (again) {
                  queue(task, true);
                  pump();
                } else if (preempted && options.signal) reject(abandoned(options.signal));
                else reject(err);
              },
            );
          },
        };
        const finish = (requeued: boolean) => {
          if (!isBackground(task.options)) lastForeground = now();
          current = null;
          if (!requeued) pump();
        };
        queue(task);
        pump();
      });
    },
    idle(): Promise<void> {
      if (!current && fg.length === 0 && bg.length === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
