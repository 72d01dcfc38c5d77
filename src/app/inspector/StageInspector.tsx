// The stage inspector (issue 17): for a run with R1's pipeline stages, each
// stage of its config with what it did, as the worker reported it: a
// rejection stage's kept and dropped counts by reason and example traces of
// each, an SFT stage's loss per step. Not drawn for a run without stages
// (R1-Zero). Shows what the trainer reported; computes nothing but shares.
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { reachedStep } from '../charts/stages';
import { useStore, type AppState } from '../store';
import { countRows, examplesByOutcome, promptText, REASON_WORDS, sftLossText, stageTitle, stageViews, type StageView } from './stages';
import './inspector.css';

const AXIS = { stroke: '#6f86a3', fontSize: 10 };
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const selConfig = (s: AppState) => s.config;
const selStages = (s: AppState) => s.stages;
const selReached = (s: AppState) => reachedStep(s.metrics, s.evals, s.stages.map((x) => x.step));

export function StageInspector() {
  const config = useStore(selConfig);
  const reports = useStore(selStages);
  const reached = useStore(selReached);
  const views = stageViews(config, reports, reached);
  if (views.length === 0) return null;
  return (
    <section aria-label="Pipeline stages" className="card stage-inspector" id="stage-inspector">
      <h2>Pipeline stages</h2>
      <p className="muted">
        R1's stages around GRPO, as this run's config places them (the charts mark each one). A rejection stage samples from the policy and keeps only
        what the rewards' judges pass; the SFT after it trains on those. Distillation does the same with a teacher's samples, before GRPO.
      </p>
      {views.map((v) => <Stage key={`${v.marker.kind}:${v.marker.step}`} view={v} />)}
    </section>
  );
}

function Stage({ view }: { view: StageView }) {
  const { marker, report, state } = view;
  return (
    <article className="stage" data-testid={`stage-${marker.kind}`} data-state={state} aria-label={`${stageTitle(marker.kind)} stage`}>
      <h3>
        {stageTitle(marker.kind)} <span className="muted">before GRPO step {marker.step}</span>
      </h3>
      <p className="stage-plan">{marker.label}</p>
      {state === 'pending' && <p className="muted">Not reached yet: it runs after {marker.step} GRPO step{marker.step === 1 ? '' : 's'}{marker.step === 0 ? ' (when the run starts)' : ''}.</p>}
      {state === 'unreported' && <p className="muted">It ran, but this page holds no report of it: a shared link's curves carry none (Re-run takes the stages again), and neither does a run stored before stage reports were kept.</p>}
      {report && <Report report={report} />}
    </article>
  );
}

function Report({ report }: { report: NonNullable<StageView['report']> }) {
  const r = report.rejection;
  const groups = examplesByOutcome(report.examples);
  return (
    <>
      {r && (
        <table className="stage-counts" data-testid="stage-counts" data-sampled={r.sampled} data-kept={r.kept}>
          <caption>
            {report.teacher && <>Sampled by the teacher {report.teacher.name} ({report.teacher.parameters.toLocaleString('en-US')} parameters), not this model. </>}
            {r.sampled} samples: {r.prompts} train prompts × {r.k} at T = {r.temperature}; {r.promptsCovered} prompts kept at least one
            {r.readable ? '; the readability filter on' : ''}
          </caption>
          <tbody>
            {countRows(r).map((row) => (
              <tr key={row.outcome} data-outcome={row.outcome} data-n={row.n}>
                <th scope="row">{row.label}</th>
                <td>{row.n}</td>
                <td>{pct(row.share)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={3}>Kept traces: mean length {r.keptMeanLength.toFixed(1)} tokens, {pct(r.keptReflection)} with a &lt;wait&gt;.</td>
            </tr>
          </tfoot>
        </table>
      )}
      <p data-testid="stage-sft">{sftLossText(report.sft)}. Took {report.seconds.sampling > 0 ? `${report.seconds.sampling.toFixed(1)} s sampling and ` : ''}{report.seconds.sft.toFixed(1)} s of SFT.</p>
      {report.sft.loss.length > 1 && (
        <figure className="stage-loss" aria-label="SFT loss per step">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={report.sft.loss.map((loss, i) => ({ step: i + 1, loss }))} margin={{ top: 4, right: 8, bottom: 4, left: 0 }}>
              <CartesianGrid stroke="#253756" strokeDasharray="3 3" />
              <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} tick={AXIS} stroke={AXIS.stroke} />
              <YAxis domain={['auto', 'auto']} tick={AXIS} stroke={AXIS.stroke} width={40} tickFormatter={(v: number) => v.toPrecision(3)} />
              <Tooltip contentStyle={{ background: '#0f1724', border: '1px solid #253756', fontSize: 12 }} labelFormatter={(s) => `SFT step ${String(s)}`}
                formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))} isAnimationActive={false} />
              <Line dataKey="loss" name="SFT loss" stroke="#4cc9f0" dot={report.sft.loss.length < 20 ? { r: 2 } : false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </figure>
      )}
      {groups.map((g) => (
        <div key={g.outcome} className="stage-examples" data-testid="stage-examples" data-outcome={g.outcome}>
          <h4>
            {g.outcome === 'kept' ? (!r ? 'Traces it trained on' : report.kind === 'distill' ? 'Kept: the teacher\'s traces the student trained on' : 'Kept') : `Dropped: ${REASON_WORDS[g.outcome]}`}{' '}
            <span className="muted">({g.traces.length} example{g.traces.length === 1 ? '' : 's'})</span>
          </h4>
          <ul>
            {g.traces.map((t, i) => (
              <li key={i} data-testid="stage-example" data-outcome={g.outcome}>
                <code>{promptText(t.prompt)}</code> <code className="stage-completion">{t.completion}</code>{' '}
                <span className="muted">{t.tokens} tokens{t.waits > 0 ? `, ${t.waits} <wait>` : ''}</span>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </>
  );
}
