// The health warnings above the charts (issue 18, item 5): each names what is
// wrong, the numbers (health.ts) and a button that scrolls to the chart that
// shows it and marks that chart for a moment. Nothing shows while the run is
// healthy. Not an alert: it updates with every step, and a screen reader
// should not be interrupted by it.
import { useMemo } from 'react';
import { CHART_TITLES } from '../help/chartHelp';
import type { AppState } from '../store';
import { healthWarnings } from './health';

type Props = Pick<AppState, 'metrics' | 'evals' | 'config'>;

function showChart(chart: string): void {
  const el = document.querySelector<HTMLElement>(`.charts [data-chart="${chart}"]`);
  if (!el) return;
  el.scrollIntoView({ behavior: 'smooth', block: 'center' });
  el.classList.add('chart-flash');
  window.setTimeout(() => el.classList.remove('chart-flash'), 1600);
}

export function HealthWarnings({ metrics, evals, config }: Props) {
  const warnings = useMemo(() => healthWarnings(metrics, evals, config), [metrics, evals, config]);
  if (warnings.length === 0) return null;
  return (
    <ul className="health-warnings" aria-label="Health warnings" data-testid="health-warnings">
      {warnings.map((w) => (
        <li key={w.id} className="health-warning" data-testid={`health-${w.id}`} data-chart-link={w.chart}>
          <strong>{w.title}.</strong> {w.detail}{' '}
          <button type="button" className="health-link" onClick={() => showChart(w.chart)}>
            Show the {CHART_TITLES[w.chart]} chart
          </button>
        </li>
      ))}
    </ul>
  );
}
