// The page `npm run soak` opens (scripts/soak.ts): runSoak with the query's
// steps and report interval. Lines go to the console prefixed "[soak] "; the
// result, or the error, is left on window for the script.
import { runSoak, type SoakResult } from './soak-run';

interface SoakWindow { __soakDone?: boolean; __soakResult?: SoakResult; __soakError?: string }

const log = document.getElementById('log');
const say = (s: string) => {
  console.log(`[soak] ${s}`);
  if (log) log.textContent += `${s}\n`;
};
const w = window as unknown as SoakWindow;
const q = new URLSearchParams(location.search);
runSoak({ steps: Number(q.get('steps') ?? 300), reportEvery: Number(q.get('every') ?? 25), baseUrl: '/base-quick.safetensors', onLine: say })
  .then((r) => (w.__soakResult = r))
  .catch((e: unknown) => (w.__soakError = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e)))
  .finally(() => (w.__soakDone = true));
