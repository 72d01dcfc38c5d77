// The main-thread side of the trainer worker: typed send(cmd) and on(type, fn).
// Nothing here computes; it only posts Commands and fans Events out to
// listeners. Events that fail parseEvent go to the 'error' listeners as a
// non-recoverable protocol error (a worker from another build, say).

import { parseEvent } from './parse';
import { PROTOCOL_VERSION, type Command, type EventOf, type EventType, type TrainerEvent } from './protocol';

/** A Command without its version field: the client stamps PROTOCOL_VERSION. */
export type CommandInput = Command extends infer C ? (C extends Command ? Omit<C, 'v'> : never) : never;

/** The part of Worker the client uses (a MessagePort or a test double fits too). */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
  removeEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
}

export interface TrainerClient {
  send(cmd: CommandInput): void;
  /** Subscribes fn to events of one type; returns the unsubscribe function. */
  on<T extends EventType>(type: T, fn: (e: EventOf<T>) => void): () => void;
  /** The next event of this type (optionally one that pred accepts). */
  next<T extends EventType>(type: T, pred?: (e: EventOf<T>) => boolean): Promise<EventOf<T>>;
  /** Stops listening to the worker (does not terminate it). */
  close(): void;
}

export function createTrainerClient(worker: WorkerLike): TrainerClient {
  const listeners = new Map<EventType, Set<(e: TrainerEvent) => void>>();
  const emit = (e: TrainerEvent) => listeners.get(e.type)?.forEach((fn) => fn(e));
  const onMessage = (m: MessageEvent) => {
    let e: TrainerEvent;
    try {
      e = parseEvent(m.data);
    } catch (err) {
      e = { type: 'error', v: PROTOCOL_VERSION, message: `bad event from the worker: ${err instanceof Error ? err.message : String(err)}`, step: -1, recoverable: false };
    }
    emit(e);
  };
  worker.addEventListener('message', onMessage);

  const on = <T extends EventType>(type: T, fn: (e: EventOf<T>) => void) => {
    let set = listeners.get(type);
    if (!set) listeners.set(type, (set = new Set()));
    const f = fn as (e: TrainerEvent) => void;
    set.add(f);
    return () => void set.delete(f);
  };

  return {
    send(cmd) {
      // copied, not transferred: init's weights may be views the caller still uses
      worker.postMessage({ ...cmd, v: PROTOCOL_VERSION }, []);
    },
    on,
    next(type, pred) {
      return new Promise((resolve) => {
        const off = on(type, (e) => {
          if (pred && !pred(e)) return;
          off();
          resolve(e);
        });
      });
    },
    close() {
      worker.removeEventListener('message', onMessage);
      listeners.clear();
    },
  };
}
