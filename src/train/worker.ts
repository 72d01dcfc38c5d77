// The trainer's module Worker entry: every message goes through parseCommand
// (inside session.handle) and the session's events go back by postMessage,
// ArrayBuffers transferred. Start it from the main thread with
//   new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
// and talk to it through client.ts. Started with the name FAULTS_WORKER_NAME
// it accepts the test-only `fault` command (the page's ?faults=1); the name
// is fixed at construction, so no message can turn fault injection on.

import { FAULTS_WORKER_NAME } from './protocol';
import { createSession } from './session';

// Typed as a dedicated worker without pulling the WebWorker lib over the DOM one.
const scope = self as unknown as {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
  onmessageerror: ((e: MessageEvent) => void) | null;
  name?: string;
};

const session = createSession((event, transfer = []) => scope.postMessage(event, transfer), { faults: scope.name === FAULTS_WORKER_NAME });

scope.onmessage = (e) => void session.handle(e.data);
// A message that could not be deserialised still deserves an answer rather than silence.
scope.onmessageerror = () => void session.handle({ type: 'undeserialisable message' });
