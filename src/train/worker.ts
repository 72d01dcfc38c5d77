// The trainer's module Worker entry: every message goes through parseCommand
// (inside session.handle) and the session's events go back by postMessage,
// ArrayBuffers transferred. Start it from the main thread with
//   new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
// and talk to it through client.ts.

import { createSession } from './session';

// Typed as a dedicated worker without pulling the WebWorker lib over the DOM one.
const scope = self as unknown as {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
  onmessageerror: ((e: MessageEvent) => void) | null;
};

const session = createSession((event, transfer = []) => scope.postMessage(event, transfer));

scope.onmessage = (e) => void session.handle(e.data);
// A message that could not be deserialised still deserves an answer rather than silence.
scope.onmessageerror = () => void session.handle({ type: 'undeserialisable message' });
