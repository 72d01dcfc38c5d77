// The Charts region: every training curve of the run, fed by the store at
// most once per animation frame (useFrameState), downsampled past MAX_POINTS
// (min/max buckets, see downsample.ts), animations off. Runs ticked in the
// Runs list are drawn dashed over every chart but expert load (overlay.ts).

import { useMemo } from 'react';
import { ReferenceLine } from 'recharts';
import { CHART_TITLES as T, chartHelp, type ChartId } from '../help/chartHelp';
import { useStore, type AppState } from '../store';
import { seedBandsByChart, withWilson } from './bands';
import { ChartCard, type BandSpec } from './ChartCard';
import { downsample } from './downsample';
import { ExpertLoadChart } from './ExpertLoadChart';
import { HealthWarnings } from './HealthWarnings';
import { fmt, fractionTop, pct } from './format';
import { evalReadout, metricReadouts } from './readouts';
import { overlaysByChart, type OverlayChart } from './overlay';
import { OverlayPicker } from './OverlayPicker';
import { overlayNames } from '../runs/naming';
import { chartMarkers, reachedStep, type ChartMarker } from './stages';
import { AHA, ATTEMPTS, C, CLIP, ENTROPY, evalRows, expertRows, expertShape, GRAD_NORM, KL, LENGTH_MEAN, LENGTH_SPLIT, lengthRows, metricRows, POLICY_LOSS, REWARD, SIGNAL, SPEED, type LineSpec, type Row, type SeriesSpec } from './series';
import { useFrameState } from './useFrameState';
import './charts.css';

/** Rows a chart draws at most (recharts renders every point it gets). */
export const MAX_POINTS = 2000;

const EVAL_LINES: LineSpec[] = [
  { key: 'greedy', label: 'greedy', color: C.green },
  { key: 'sampled', label: 'sampled pass@1', color: C.blue, dashed: true },
];
/** Rates and ratios: from 0, and at least to 5% so an all-zero series sits on a readable axis. */
const FRACTION: [number, (dataMax: number) => number] = [0, fractionTop];
const LENGTH_BAND: BandSpec = { min: 'min', max: 'max', label: 'min–max', color: C.blue };
// Wilson 95% bands of the rates (bands.ts): over the held-out problems, the step's B×G completions, its B groups
const HELD_BAND: BandSpec = { min: 'greedyLo', max: 'greedyHi', label: 'greedy: 95% Wilson', color: C.green };
const AHA_BANDS: BandSpec[] = [
  { min: 'reflectionLo', max: 'reflectionHi', label: 'reflection: 95% Wilson', color: C.blue },
  { min: 'ahaLo', max: 'ahaHi', label: 'aha: 95% Wilson', color: C.red },
];
const SIGNAL_BAND: BandSpec = { min: 'zeroStdLo', max: 'zeroStdHi', label: '95% Wilson', color: C.yellow };

const selMetrics = (s: AppState) => s.metrics;
const selEvals = (s: AppState) => s.evals;
const selBaseAha = (s: AppState) => s.baseAha;
const selFirstAha = (s: AppState) => s.firstAhaStep;
const selOverlays = (s: AppState) => s.runs.overlays;
const selOverlaySeries = (s: AppState) => s.runs.overlaySeries;
const selRunning = (s: AppState) => s.status === 'running';
const selConfig = (s: AppState) => s.config;
const selShown = (s: AppState) => s.experiment.shown;
const selBandKind = (s: AppState) => s.experiment.band;
const selStages = (s: AppState) => s.stages;

/** The stages under the charts' heading, in words: what each line marks (the accessible twin of the lines). */
function StageList({ markers }: { markers: readonly ChartMarker[] }) {
  if (markers.length === 0) return null;
  return (
    <p className="charts-stages" data-testid="stage-list">
      Stages marked on the charts:{' '}
      {markers.map((m, i) => (
        <span key={m.key} data-kind={m.kind} style={{ color: m.color }}>
          {i > 0 ? '; ' : ''}
          {m.run === null ? '' : `${m.run}: `}
          {m.title}, before step {m.step}
        </span>
      ))}
      .
    </p>
  );
}

function useRows(metrics: AppState['metrics'], specs: SeriesSpec[]): readonly Row[] {
  return useMemo(() => downsample(metricRows(metrics, specs), specs.map((s) => s.key), MAX_POINTS), [metrics, specs]);
}

const lines = (specs: SeriesSpec[]): LineSpec[] => specs.map(({ key, label, color }) => ({ key, label, color }));
const REWARD_LINES = lines(REWARD), AHA_LINES = lines(AHA), CLIP_LINES = lines(CLIP);
const LENGTH_LINES = lines([LENGTH_MEAN, ...LENGTH_SPLIT]);
const LENGTH_ATTEMPTS_LINES: LineSpec[] = [...LENGTH_LINES, { ...lines([ATTEMPTS])[0]!, right: true }];
const SIGNAL_LINES = lines(SIGNAL);
const SPEED_LINES: LineSpec[] = [lines(SPEED)[0]!, { ...lines(SPEED)[1]!, right: true }];

export function Charts() {
  const metrics = useFrameState(selMetrics);
  const evals = useFrameState(selEvals);
  const baseAha = useFrameState(selBaseAha);
  const firstAhaStep = useFrameState(selFirstAha);

  const stored = useFrameState(selOverlays);
  const overlaySeries = useFrameState(selOverlaySeries);
  const running = useStore(selRunning);
  const live = useStore(selConfig);
  // a stored run is named in the legends by what differs from the live run (runs/naming.ts)
  const overlays = useMemo(() => {
    const names = overlayNames(stored.map((o) => ({ id: o.id, config: o.config ?? live, label: o.label, created: o.created ?? 0 })), live);
    return stored.map((o, i) => (o.config ? { ...o, name: names[i]! } : o));
  }, [stored, live]);
  const pick = (chart: OverlayChart) => (stored.length > 0 ? <OverlayPicker chart={chart} /> : undefined);
  const shown = useFrameState(selShown);
  const bandKind = useFrameState(selBandKind);
  // stored runs ticked in the Runs list, and the shown experiment's arms of one run each (named after their arm):
  // built when those change, not per step
  const overlaid = useMemo(() => {
    const single = (shown?.arms ?? []).filter((a) => a.runs.length === 1).map((a) => ({ ...a.runs[0]!, name: a.label }));
    const ids = new Set(single.map((r) => r.id));
    return [...overlays.filter((o) => !ids.has(o.id)), ...single];
  }, [overlays, shown]);
  const over = useMemo(() => overlaysByChart(overlaid, undefined, overlaySeries), [overlaid, overlaySeries]);
  // its arms of several seeds: a mean line in a band over the seeds
  const seeds = useMemo(() => seedBandsByChart(shown?.arms ?? [], bandKind), [shown, bandKind]);
  const config = useStore(selConfig);
  // the pipeline's stages (issue 17): this run's from its config once reached, and the overlaid runs' and arms' (stages.ts)
  const stages = useFrameState(selStages);
  const reached = reachedStep(metrics, evals, stages.map((x) => x.step));
  const markers = useMemo(() => chartMarkers({ config, reached }, overlaid, shown?.arms ?? []), [config, reached, overlaid, shown]);
  const ownMarkers = useMemo(() => markers.filter((m) => !m.dashed), [markers]);
  // what the shown experiment is set against (README's distilled student on held-out): a dotted line, labelled
  const refs = (chart: string) => (shown?.references ?? []).filter((x) => x.chart === chart).map((x) => (
    <ReferenceLine key={`ref:${x.label}`} y={x.y} ifOverflow="extendDomain" stroke={C.violet} strokeDasharray="2 3" className="experiment-reference"
      label={{ value: x.label, position: 'insideBottomRight', fill: C.violet, fontSize: 10 }} />
  ));
  const perStep = config.grpo.batchPrompts * config.grpo.groupSize;
  const reward = useRows(metrics, REWARD);
  const ahaRaw = useRows(metrics, AHA);
  const aha = useMemo(() => withWilson(withWilson(ahaRaw, 'reflection', perStep), 'aha', perStep), [ahaRaw, perStep]);
  const signalRaw = useRows(metrics, SIGNAL);
  const signal = useMemo(() => withWilson(signalRaw, 'zeroStd', config.grpo.batchPrompts), [signalRaw, config.grpo.batchPrompts]);
  const clip = useRows(metrics, CLIP);
  const kl = useRows(metrics, KL);
  const entropy = useRows(metrics, ENTROPY);
  const policyLoss = useRows(metrics, POLICY_LOSS);
  const gradNorm = useRows(metrics, GRAD_NORM);
  const speed = useRows(metrics, SPEED);
  const length = useMemo(() => downsample(lengthRows(metrics), ['mean', 'min', 'max', 'right', 'wrong', 'attempts'], MAX_POINTS), [metrics]);
  const held = useMemo(() => withWilson(downsample(evalRows(evals), ['greedy', 'sampled'], MAX_POINTS), 'greedy', (r) => r.problems ?? 0), [evals]);
  const [L, E] = expertShape(metrics);
  const experts = useMemo(() => {
    const keys = Array.from({ length: E }, (_, e) => `e${e}`);
    return Array.from({ length: L }, (_, l) => downsample(expertRows(metrics, l), keys, MAX_POINTS));
  }, [metrics, L, E]);
  const help = useMemo(() => (id: ChartId) => chartHelp(id, config), [config]);
  const r = useMemo(() => metricReadouts(metrics, firstAhaStep, baseAha), [metrics, firstAhaStep, baseAha]);

  return (
    <section aria-label="Charts" className="card charts">
      <h2>Charts</h2>
      {metrics.length === 0 && (
        <p className="charts-waiting">
          {running ? 'The first step is under way (the header says where): the curves start when it ends.' : 'Press Play: the curves start at the first step. Until then, waiting for the first step.'}
        </p>
      )}
      <HealthWarnings metrics={metrics} evals={evals} config={config} />
      <StageList markers={markers} />
      <div className="chart-grid">
        <ChartCard markers={markers} id="reward" help={help('reward')} title={T.reward} rows={reward} lines={REWARD_LINES} overlays={over.reward} seedBands={seeds.reward} readout={r.reward} footer={pick('reward')} />
        <ChartCard markers={markers} id="heldout" help={help('heldout')} title={T.heldout} rows={held} lines={EVAL_LINES} band={HELD_BAND} overlays={over.heldout} seedBands={seeds.heldout} readout={evalReadout(evals)} footer={pick('heldout')}
          emptyText="waiting for the first evaluation" yDomain={[0, 1]} yTick={pct}>
          {refs('heldout')}
        </ChartCard>
        <ChartCard markers={markers} id="length" help={help('length')} title={T.length} rows={length} lines={config.task.family === 'countdown' ? LENGTH_ATTEMPTS_LINES : LENGTH_LINES} band={LENGTH_BAND}
          overlays={over.length} seedBands={seeds.length} readout={r.length} />
        <ChartCard markers={markers} id="aha" help={help('aha')} title={T.aha} rows={aha} lines={AHA_LINES} band={AHA_BANDS} overlays={over.aha} seedBands={seeds.aha} readout={r.aha} yDomain={FRACTION} yTick={pct} footer={pick('aha')}>
          {baseAha && <ReferenceLine y={baseAha.aha} stroke={C.red} strokeDasharray="6 4" strokeOpacity={0.8}
            // raised off its line: at a base rate of 0 the line is the x axis, and the label sat on the last tick
            label={{ value: `base aha ${pct(baseAha.aha)}`, position: 'insideTopRight', offset: 12, fill: C.red, fontSize: 10 }} />}
          {firstAhaStep !== null && <ReferenceLine x={firstAhaStep} stroke={C.red}
            label={{ value: 'first aha', position: 'insideTopLeft', fill: C.red, fontSize: 10 }} />}
        </ChartCard>
        <ChartCard markers={markers} id="signal" help={help('signal')} title={T.signal} rows={signal} lines={SIGNAL_LINES} band={SIGNAL_BAND} overlays={over.signal} seedBands={seeds.signal}
          readout={r.signal} yDomain={[0, 1]} yTick={pct} />
        <ChartCard markers={markers} id="kl" help={help('kl')} title={T.kl} rows={kl} lines={KL} overlays={over.kl} seedBands={seeds.kl} readout={r.kl} />
        <ChartCard markers={markers} id="entropy" help={help('entropy')} title={T.entropy} rows={entropy} lines={ENTROPY} overlays={over.entropy} seedBands={seeds.entropy} readout={r.entropy} />
        <ChartCard markers={markers} id="clip" help={help('clip')} title={T.clip} rows={clip} lines={CLIP_LINES} overlays={over.clip} seedBands={seeds.clip} readout={r.clip} yDomain={FRACTION} yTick={pct} footer={pick('clip')} />
        <ChartCard markers={markers} id="policyLoss" help={help('policyLoss')} title={T.policyLoss} rows={policyLoss} lines={POLICY_LOSS} overlays={over.policyLoss} seedBands={seeds.policyLoss} readout={r.policyLoss} />
        <ChartCard markers={markers} id="gradNorm" help={help('gradNorm')} title={T.gradNorm} rows={gradNorm} lines={GRAD_NORM} overlays={over.gradNorm} seedBands={seeds.gradNorm} readout={r.gradNorm} yTick={fmt} />
        <ChartCard markers={markers} id="speed" help={help('speed')} title={T.speed} rows={speed} lines={SPEED_LINES} overlays={over.speed} seedBands={seeds.speed} readout={r.speed} />
        <ExpertLoadChart markers={ownMarkers} layers={experts} experts={E} readout={r.experts} help={help('experts')} />
      </div>
    </section>
  );
}
