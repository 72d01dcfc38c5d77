// The "shared run" banner (a link opened with results: its snapshot is on the
// charts, Re-run trains the identical run) and the alert listing what was
// wrong with the link the page was opened with. Display only: the snapshot
// logic lives in snapshot.ts, the commands in app/trainer.ts.
import { closestReference, diffLines, referenceName } from '../../core/configDiff';
import { REFERENCES } from '../runs/naming';
import { useStore } from '../store';
import { rerunShared } from '../trainer';
import { closeShared } from './snapshot';
import './share.css';

export function SharedBanner() {
  const shared = useStore((s) => s.shared);
  const step = useStore((s) => s.step);
  const status = useStore((s) => s.status);
  if (!shared) return null;
  const { snapshot, config, showing } = shared;
  // which knobs differ, from the preset (or the quick config) it is closest to
  const recipe = referenceName(config, REFERENCES);
  const ref = closestReference(config, REFERENCES);
  const knobs = diffLines(config, ref.config);
  const last = snapshot.step[snapshot.step.length - 1];
  const reward = snapshot.series.reward[snapshot.series.reward.length - 1];
  return (
    <section className="shared-banner card" aria-label="Shared run">
      <div className="shared-text">
        <strong>Shared run</strong>: {snapshot.steps} GRPO steps{last !== undefined ? ` (its last point is step ${last})` : ''},{' '}
        <span data-testid="shared-recipe" title={knobs.length ? `${knobs.join('\n')}\n(against ${ref.name})` : `the ${ref.name} config`}>{recipe}</span>, seed {config.seed}
        {typeof reward === 'number' ? `, final reward ${reward}` : ''}.{' '}
        {showing
          ? snapshot.steps > snapshot.step.length
            ? `The charts show its results, ${snapshot.step.length} of its ${snapshot.steps} steps.`
            : 'The charts show its results.'
          : `The charts now show your re-run (${step} of its ${snapshot.steps} steps), the shared run dashed beside it until you close this.`}
        {snapshot.firstAha && (
          <span className="shared-aha">
            {' '}First aha at step {snapshot.firstAha.step}: <code>{snapshot.firstAha.prompt}</code> → <code>{snapshot.firstAha.completion}</code>
          </span>
        )}
      </div>
      <div className="shared-actions">
        <button type="button" onClick={rerunShared} disabled={status === 'pretraining'} title="Train the identical run (same config and seed) from step 0">
          Re-run
        </button>
        <button type="button" onClick={() => useStore.setState(closeShared(useStore.getState()))} aria-label="Close the shared-run banner" disabled={showing}>
          ×
        </button>
      </div>
    </section>
  );
}

export function LinkErrors() {
  const errors = useStore((s) => s.linkErrors);
  if (errors.length === 0) return null;
  return (
    <div className="link-errors" role="alert">
      <div>
        <strong>The link could not be used as it was.</strong>
        <ul>
          {errors.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      </div>
      <button type="button" onClick={() => useStore.setState({ linkErrors: [] })} aria-label="Dismiss the link problems">
        ×
      </button>
    </div>
  );
}
