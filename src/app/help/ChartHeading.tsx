// A chart card's heading with its "?" (issue 18, item 2): the button opens,
// under the heading, what the chart shows, what good looks like and why it
// may be flat under this run's config (chartHelp.ts). The heading keeps its
// own text, so the chart stays named by its title alone.
import { useState } from 'react';
import type { AhaTerm, ChartHelp } from './chartHelp';
import './help.css';

export function ChartHeading({ id, title, help }: { id: string; title: string; help: ChartHelp }) {
  const [open, setOpen] = useState(false);
  const panel = `chart-${id}-help`;
  return (
    <>
      <div className="chart-head">
        <h3 id={`chart-${id}-title`}>{title}</h3>
        <button type="button" className="help-button" aria-label={`Help: ${title}`} aria-expanded={open} aria-controls={panel}
          title={open ? 'Hide the help' : 'What this chart shows'} onClick={() => setOpen(!open)}>
          ?
        </button>
      </div>
      {open && <HelpText id={panel} help={help} testId={`help-${id}`} />}
    </>
  );
}

export function HelpText({ id, help, testId }: { id?: string; help: ChartHelp; testId?: string }) {
  return (
    <div className="help-text" id={id} data-testid={testId}>
      <p><strong>Shows.</strong> {help.shows}</p>
      {help.terms && <AhaTermList terms={help.terms} />}
      <p><strong>Good.</strong> {help.good}</p>
      {help.flat && <p data-testid={testId ? `${testId}-flat` : undefined}><strong>Flat?</strong> {help.flat}</p>}
      {help.stages && <p data-testid={testId ? `${testId}-stages` : undefined}><strong>Stages.</strong> {help.stages}</p>}
    </div>
  );
}

/** The aha detector's classes, each with its example (the aha chart's help and the aha feed). */
export function AhaTermList({ terms, testId }: { terms: readonly AhaTerm[]; testId?: string }) {
  return (
    <dl className="aha-terms" data-testid={testId}>
      {terms.map((t) => (
        <div key={t.key}>
          <dt>{t.key}</dt> <dd>{t.definition} <code>{t.example}</code></dd>
        </div>
      ))}
    </dl>
  );
}
