// Two runs' configs side by side (issue 18: there was no config diff): the
// knobs that differ first, each with both values; the equal ones folded away
// behind a count that opens them.
import { useState } from 'react';
import { getPath, KNOBS, type RunConfig } from '../../core/config';
import { changedPaths, knobName, knobValue } from '../../core/configDiff';

export interface ConfigDiffProps {
  live: RunConfig;
  other: RunConfig;
  otherName: string;
  close(): void;
}

export function ConfigDiff({ live, other, otherName, close }: ConfigDiffProps) {
  const [all, setAll] = useState(false);
  const changed = new Set(changedPaths(live, other));
  const rows = KNOBS.filter((k) => all || changed.has(k.path));
  return (
    <section className="runs-diff" role="region" aria-label="Config diff">
      <header>
        <h3>Config diff: this run and {otherName}</h3>
        <button type="button" aria-label="Close the config diff" onClick={close}>×</button>
      </header>
      {changed.size === 0 && <p>The two configs are the same, seed included.</p>}
      <table>
        <thead><tr><th>knob</th><th>this run</th><th>{otherName}</th></tr></thead>
        <tbody>
          {rows.map((k) => (
            <tr key={k.path} className={changed.has(k.path) ? 'runs-diff-changed' : undefined} data-path={k.path}>
              <td title={k.path}>{knobName(k.path)}</td>
              <td>{knobValue(getPath(live, k.path))}</td>
              <td>{knobValue(getPath(other, k.path))}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => setAll(!all)}>
        {all ? 'Show only what differs' : `Show the ${KNOBS.length - changed.size} equal knobs too`}
      </button>
    </section>
  );
}
