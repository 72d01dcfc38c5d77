// The config panel: presets, every knob of core's KNOBS table grouped, each
// with its help on hover and its validation message inline. The draft lives
// in the store; Apply sends live knobs with setLive (next step) or, when a
// knob that shapes the run changed, starts a new run ("Apply and reset").
import { useId, useState } from 'react';
import { getPath, matchingPresets, PRESET_NAMES, setPath, cloneConfig, type Knob, type RunConfig } from '../../core/config';
import { estimateParamCount } from '../../core/validate';
import { trainConfigErrors } from '../../train/checks';
import { useStore } from '../store';
import { send, startRun } from '../trainer';
import { applyPlan, choosePreset, corpusNote, difficultyNote, inactiveReason, knobLabel, knobsByGroup, parseNumberText, pipelineNote, presetScope } from './draft';
import './config.css';

const GROUPS = knobsByGroup();
const KNOWN_PATHS = new Set(GROUPS.flatMap((g) => g.knobs.map((k) => k.path)));

/** The trainer's checks include the config's own; whatever init would refuse, the panel refuses first. */
function setDraft(draft: RunConfig): void {
  useStore.setState({ draft, draftErrors: trainConfigErrors(draft) });
}

function setKnob(path: string, value: unknown): void {
  const next = cloneConfig(useStore.getState().draft);
  setPath(next, path, value);
  setDraft(next);
}

export function ConfigPanel() {
  const draft = useStore((s) => s.draft);
  const errors = useStore((s) => s.draftErrors);
  const chosen = matchingPresets(draft);
  const orphans = errors.filter((e) => !KNOWN_PATHS.has(e.path));
  return (
    <aside className="config-panel" aria-label="Config">
      <h2>Config</h2>
      <div className="presets" role="group" aria-label="Presets">
        {PRESET_NAMES.map((name) => (
          <button key={name} type="button" aria-pressed={chosen.includes(name)} onClick={() => setDraft(choosePreset(name, useStore.getState().draft))}
            title={`Set the ${presetScope(name)} knobs as ${name} does`}>
            {name}
          </button>
        ))}
      </div>
      <p className="param-count">{Number.isFinite(estimateParamCount(draft)) ? `${estimateParamCount(draft).toLocaleString('en-US')} parameters` : ''}</p>
      {orphans.map((e) => (
        <p key={e.message} className="knob-error">
          {e.message}
        </p>
      ))}
      <ApplyBar />
      {GROUPS.map(({ group, knobs }) => (
        <fieldset key={group} className="knob-group">
          <legend>{group}</legend>
          {group === 'Base corpus' && (
            <p className="knob-note" data-testid="corpus-note">
              {corpusNote(draft)}
            </p>
          )}
          {group === 'Pipeline' && (
            <p className="knob-note" data-testid="pipeline-note">
              {pipelineNote(draft)}
            </p>
          )}
          {knobs.map((k) => (
            <KnobField key={k.path} knob={k} value={getPath(draft, k.path)} errors={errors.filter((e) => e.path === k.path).map((e) => e.message)}
              inactive={inactiveReason(k, draft)} note={k.path === 'task.difficulty' ? difficultyNote(draft) : null} />
          ))}
        </fieldset>
      ))}
    </aside>
  );
}

/**
 * One knob. `inactive` says why the knob does nothing for this draft (the
 * other task kind's corpus styles): it is greyed out and disabled, its value
 * kept, the reason on hover (the group says it once, in words). `note` is a
 * line of family-specific help under it.
 */
function KnobField({ knob, value, errors, inactive, note }: { knob: Knob; value: unknown; errors: string[]; inactive: string | null; note: string | null }) {
  const id = useId();
  const errId = `${id}-err`;
  const noteId = `${id}-note`;
  const described = [errors.length > 0 ? errId : '', note ? noteId : ''].filter(Boolean).join(' ');
  const common = {
    id,
    title: knob.help,
    disabled: inactive !== null,
    'aria-invalid': errors.length > 0,
    'aria-describedby': described || undefined,
  };
  let input;
  if (knob.kind === 'enum') {
    input = (
      <select {...common} value={String(value)} onChange={(e) => setKnob(knob.path, e.target.value)}>
        {knob.options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    );
  } else if (knob.kind === 'bool') {
    input = <input {...common} type="checkbox" checked={value === true} onChange={(e) => setKnob(knob.path, e.target.checked)} />;
  } else {
    input = <NumberInput common={common} value={value as number} step={knob.kind === 'int' ? 1 : 'any'} onValue={(x) => setKnob(knob.path, x)} />;
  }
  return (
    <div className={inactive ? 'knob inactive' : 'knob'} title={inactive ? `${knob.help} (${inactive})` : knob.help} data-inactive={inactive !== null}>
      <label htmlFor={id}>{knobLabel(knob)}</label>
      {input}
      {knob.live && <span className="live-tag" title="Live: applies at the next step without a reset">live</span>}
      {note && (
        <p className="knob-note" id={noteId}>
          {note}
        </p>
      )}
      {errors.length > 0 && (
        <p className="knob-error" id={errId}>
          {errors.join('; ')}
        </p>
      )}
    </div>
  );
}

/**
 * Keeps what the user typed ("1e-", "") while the draft holds its parsed
 * value; a value changed from outside (a preset, a new run) replaces the text.
 */
function NumberInput({ common, value, step, onValue }: { common: object; value: number; step: number | 'any'; onValue: (x: number) => void }) {
  const [text, setText] = useState(String(value));
  const [seen, setSeen] = useState(value);
  if (!Object.is(seen, value)) {
    setSeen(value);
    if (!Object.is(parseNumberText(text), value)) setText(String(value));
  }
  return (
    <input {...common} type="text" inputMode="decimal" data-step={step} value={text} spellCheck={false}
      onChange={(e) => {
        const x = parseNumberText(e.target.value);
        setText(e.target.value);
        setSeen(x);
        onValue(x);
      }} />
  );
}

function ApplyBar() {
  const config = useStore((s) => s.config);
  const draft = useStore((s) => s.draft);
  const errors = useStore((s) => s.draftErrors);
  const status = useStore((s) => s.status);
  const plan = applyPlan(config, draft, errors);
  const noteId = useId();
  const apply = () => {
    if (plan.kind === 'reset' || (plan.kind === 'live' && (status === 'idle' || status === 'error'))) void startRun(draft);
    else if (plan.kind === 'live') {
      send({ type: 'setLive', values: plan.values });
      useStore.setState({ config: draft });
    }
  };
  let note: string;
  switch (plan.kind) {
    case 'none': note = 'No changes.'; break;
    case 'invalid': note = `Cannot apply: ${plan.reasons.join('; ')}`; break;
    case 'live': note = `Applies at the next step: ${Object.keys(plan.values).join(', ')}.`; break;
    case 'reset': note = `${plan.nonLive.join(', ')} ${plan.nonLive.length === 1 ? 'shapes' : 'shape'} the run: applying starts it again from step 0.`; break;
  }
  return (
    <div className="apply-bar">
      <button type="button" onClick={apply} disabled={plan.kind === 'none' || plan.kind === 'invalid'} aria-describedby={noteId}
        title={plan.kind === 'invalid' ? note : undefined}>
        {plan.kind === 'reset' ? 'Apply and reset' : 'Apply'}
      </button>
      <button type="button" onClick={() => setDraft(useStore.getState().config)} disabled={plan.kind === 'none'}>
        Revert
      </button>
      <p id={noteId} className={plan.kind === 'invalid' ? 'apply-note invalid' : 'apply-note'} data-testid="apply-note">
        {note}
      </p>
    </div>
  );
}
