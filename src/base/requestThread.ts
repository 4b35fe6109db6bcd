// A worker thread that answers requests by id: each request's promise settles
// with the answer naming its id. Idle, the thread never keeps the process
// alive; with a request pending, it does. If the thread dies, every pending
// request fails and the thread is marked dead (its owner starts another).
import { Worker } from 'node:worker_threads';

/** An answer read from a thread's message: its request's id, and its value or error. */
export type Answer<T> = { id: number; value: T } | { id: number; error: Error };

export class RequestThread<FromThread, T> {
  private readonly thread: Worker;
  private readonly waiting = new Map<number, { resolve: (value: T) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  dead = false;

  constructor(script: string, read: (m: FromThread) => Answer<T>) {
    this.thread = new Worker(script);
    this.thread.on('message', (m: FromThread) => {
      const answer = read(m);
      const p = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (this.waiting.size === 0) this.thread.unref();
      if ('error' in answer) p?.reject(answer.error);
      else p?.resolve(answer.value);
    });
    this.thread.on('error', (err) => {
      this.dead = true;
      for (const p of this.waiting.values()) p.reject(err);
      this.waiting.clear();
    });
    // After the listeners (adding one refs the thread).
    this.thread.unref();
  }

  /** A message needing no answer (a warm-up). */
  post(message: unknown): void {
    this.thread.postMessage(message);
  }

  /** Sends the message `build` makes for a new request id; resolves to its answer's value. */
  request(build: (id: number) => unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.thread.ref();
      this.thread.postMessage(build(id));
    });
  }
}
