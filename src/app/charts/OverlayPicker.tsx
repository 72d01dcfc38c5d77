// Under a chart with several series, while runs are overlaid: which of its
// series the overlaid runs draw (issue 18: one series per chart was all an
// overlay showed). Each ticked series is a dashed line per run, in the run's
// colour, with its own dash pattern.
import { useStore, type AppState } from '../store';
import { setOverlaySeries } from '../runs/persistence';
import { headlineKey, OVERLAY_CHOICES, type OverlayChart } from './overlay';
import './overlayPicker.css';

const selChosen = (s: AppState) => s.runs.overlaySeries;

export function OverlayPicker({ chart }: { chart: OverlayChart }) {
  const chosenAll = useStore(selChosen);
  const choices = OVERLAY_CHOICES[chart];
  if (!choices) return null;
  const chosen = chosenAll[chart] ?? [headlineKey(chart)];
  const toggle = (key: string, on: boolean) => {
    const next = choices.map((c) => c.key).filter((k) => (k === key ? on : chosen.includes(k)));
    setOverlaySeries(chart, next);
  };
  return (
    <fieldset className="overlay-pick" data-testid={`overlay-pick-${chart}`}>
      <legend>overlaid runs show</legend>
      {choices.map((c) => (
        <label key={c.key}>
          <input type="checkbox" checked={chosen.includes(c.key)} onChange={(ev) => toggle(c.key, ev.target.checked)} />
          {c.label}
        </label>
      ))}
    </fieldset>
  );
}
