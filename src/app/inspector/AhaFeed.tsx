// The aha feed: completions the detector classified as aha (a wrong candidate,
// <wait>, then the right answer), newest first. Clicking one opens its step
// in the inspector. Above the list, the detector's four classes, each with an
// example in the run's task kind (help/chartHelp.ts ahaTerms).
import { ahaTerms } from '../help/chartHelp';
import { AhaTermList } from '../help/ChartHeading';
import { useStore, type AhaItem } from '../store';
import { attemptsLabel, isCountdownPrompt, splitSpan } from './tokens';
import './inspector.css';

export function AhaFeed() {
  const feed = useStore((s) => s.ahaFeed);
  const selectStep = useStore((s) => s.selectStep);
  const kept = useStore((s) => s.history.length > 0 ? s.history[0]!.step : null);
  const config = useStore((s) => s.config);

  const open = (item: AhaItem) => {
    selectStep(item.step);
    document.getElementById('step-inspector')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };

  return (
    <section aria-label="Aha feed" className="card aha-feed">
      <h2>Aha moments</h2>
      <AhaTermList terms={ahaTerms(config)} testId="aha-terms" />
      {feed.length === 0 ? (
        <p className="muted">
          None yet: no sampled completion has been an aha. {config.task.family === 'countdown'
            ? 'Countdown is the task where checking a candidate pays, so expect a few.'
            : 'On arithmetic at this scale they are rare and become rarer: README measured aha 0 → 0 and reflection 9% → 0 over 300 default steps.'}
        </p>
      ) : (
        <ul>
          {feed.map((item) => {
            const [before, inside, after] = splitSpan(item.completion, item.span);
            const gone = kept === null || item.step < kept;
            return (
              <li key={`${item.step}-${item.index}`}>
                <button
                  type="button"
                  className="aha-item"
                  onClick={() => open(item)}
                  disabled={gone}
                  title={gone ? 'this step is no longer kept in memory' : 'open this step in the inspector'}
                >
                  <span className="aha-step">step {item.step}</span> <code>{item.prompt.replace('<bos>', '')}</code>{' '}
                  {isCountdownPrompt(item.prompt) && (
                    <span className="muted aha-target">
                      target {item.prompt.slice(item.prompt.lastIndexOf('=') + 1)}
                      {item.attempts !== undefined && <>, {attemptsLabel(item.attempts)}</>}{' '}
                    </span>
                  )}
                  <code className="aha-text">
                    {before}
                    <mark>{inside}</mark>
                    {after}
                  </code>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
