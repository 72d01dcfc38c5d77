// One chart: a heading, a text readout of the latest value (the accessible,
// testable twin of the picture), and a recharts plot of rows against steps.
// Animations are off: the data changes every frame while training.

import type { ReactNode } from 'react';
import { Area, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartHeading } from '../help/ChartHeading';
import type { ChartHelp } from '../help/chartHelp';
import { fmt } from './format';
import type { BandLine } from './bands';
import type { OverlayLine } from './overlay';
import type { LineSpec, Row } from './series';
import { markerLines, type ChartMarker } from './stages';

export const WAITING = 'waiting for the first step';

export interface ChartCardProps {
  /** Names the readout: data-testid readout-{id}. */
  id: string;
  title: string;
  /** What the "?" beside the heading explains (help/chartHelp.ts). */
  help: ChartHelp;
  rows: readonly Row[];
  lines: readonly LineSpec[];
  readout: string | null;
  /** What the empty chart says; defaults to WAITING. */
  emptyText?: string;
  yDomain?: [number | 'auto', number | 'auto' | ((dataMax: number) => number)];
  yTick?: (v: number) => string;
  /** Shaded bands under the lines (a min–max range, a Wilson interval), from this run's rows. */
  band?: BandSpec | readonly BandSpec[];
  /** Experiment arms of several seeds: each a mean line in its band over seeds, with its own rows (bands.ts). */
  seedBands?: readonly BandLine[];
  /** Other stored runs' lines, each with its own rows (overlay.ts), drawn dashed over this run's. */
  overlays?: readonly OverlayLine[];
  /** The pipeline's stages (stages.ts): a vertical line each, labelled. */
  markers?: readonly ChartMarker[];
  /** Reference lines and the like, drawn inside the chart. */
  children?: ReactNode;
  /** Controls under the plot (which series overlaid runs draw). */
  footer?: ReactNode;
}

export interface BandSpec {
  min: string;
  max: string;
  label: string;
  color: string;
}

const AXIS = { stroke: '#6f86a3', fontSize: 11 };

/**
 * The stage markers as recharts reference lines (a function, not a component:
 * the chart reads its children's types). Each widens the x axis to itself
 * (extendDomain): the cold start sits left of step 0. The live run's labels
 * at the top, overlaid runs' at the bottom, so two stages close together stay
 * readable.
 */
export function stageLines(markers: readonly ChartMarker[] = []): ReactNode[] {
  return markerLines(markers).map((m) => (
    <ReferenceLine key={`stage:${m.key}`} x={m.x} ifOverflow="extendDomain" stroke={m.color} strokeWidth={1.5} strokeOpacity={0.9}
      strokeDasharray={m.dashed ? '6 3' : undefined} className={`stage-marker ${m.kinds.map((k) => `stage-marker-${k}`).join(' ')}`}
      label={{ value: m.label, position: m.dashed ? 'insideBottomLeft' : 'insideTopLeft', offset: 6, fill: m.color, fontSize: 10 }} />
  ));
}

export function ChartCard(p: ChartCardProps) {
  const headingId = `chart-${p.id}-title`;
  const overlays = p.overlays ?? [];
  const bands: readonly BandSpec[] = p.band === undefined ? [] : 'min' in p.band ? [p.band] : p.band;
  const seedBands = p.seedBands ?? [];
  // an overlaid run draws even before this run's first step
  const empty = p.rows.length === 0 && overlays.length === 0 && seedBands.length === 0;
  // a lone point draws no line segment: show dots until there are a few
  const dotFor = (n: number) => (n < 20 ? { r: 2 } : false);
  const dot = dotFor(p.rows.length);
  const right = p.lines.some((l) => l.right);
  return (
    <figure className="chart-card" aria-labelledby={headingId} data-chart={p.id}>
      <ChartHeading id={p.id} title={p.title} help={p.help} />
      <p className="chart-readout" data-testid={`readout-${p.id}`}>
        {p.readout ?? p.emptyText ?? WAITING}
      </p>
      {empty ? (
        <div className="chart-empty">{p.emptyText ?? WAITING}</div>
      ) : (
        <div className="chart-plot">
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={p.rows as Row[]} margin={{ top: 4, right: right ? 0 : 8, bottom: 14, left: 0 }}>
              <CartesianGrid stroke="#253756" strokeDasharray="3 3" />
              <XAxis
                dataKey="step"
                type="number"
                domain={['dataMin', 'dataMax']}
                allowDecimals={false}
                tick={AXIS}
                stroke={AXIS.stroke}
                label={{ value: 'step', position: 'insideBottom', offset: -10, fill: AXIS.stroke, fontSize: 11 }}
              />
              <YAxis
                domain={p.yDomain ?? ['auto', 'auto']}
                tick={AXIS}
                stroke={AXIS.stroke}
                width="auto"
                tickFormatter={p.yTick ?? fmt}
                niceTicks="snap125"
              />
              {right && (
                <YAxis
                  yAxisId="right"
                  orientation="right"
                  tick={AXIS}
                  stroke={AXIS.stroke}
                  width="auto"
                  tickFormatter={fmt}
                  niceTicks="snap125"
                />
              )}
              <Tooltip
                contentStyle={{ background: '#0f1724', border: '1px solid #253756', fontSize: 12 }}
                labelFormatter={(s) => `step ${String(s)}`}
                formatter={(v) => (typeof v === 'number' ? (p.yTick ?? fmt)(v) : Array.isArray(v) ? v.map((x) => fmt(Number(x))).join('–') : String(v))}
                isAnimationActive={false}
              />
              {p.lines.length + overlays.length + bands.length + seedBands.length > 1 && <Legend wrapperStyle={{ fontSize: 11 }} verticalAlign="top" height={overlays.length || seedBands.length ? undefined : 18} />}
              {bands.map((b) => (
                <Area
                  key={`band:${b.min}`}
                  dataKey={(r: Row) => [r[b.min], r[b.max]]}
                  name={b.label}
                  stroke="none"
                  fill={b.color}
                  fillOpacity={0.2}
                  isAnimationActive={false}
                />
              ))}
              {seedBands.map((b) => (
                <Area
                  key={`${b.key}:band`}
                  data={b.rows as Row[]}
                  dataKey={(r: Row) => [r[`${b.key}:lo`], r[`${b.key}:hi`]]}
                  name={`${b.label}: band`}
                  legendType="none"
                  stroke="none"
                  fill={b.color}
                  fillOpacity={0.25}
                  isAnimationActive={false}
                  data-testid="seed-band"
                />
              ))}
              {seedBands.map((b) => (
                <Line
                  key={b.key}
                  data={b.rows as Row[]}
                  dataKey={b.key}
                  name={b.label}
                  stroke={b.color}
                  strokeWidth={2}
                  dot={dotFor(b.rows.length)}
                  isAnimationActive={false}
                  connectNulls={false}
                  data-testid="seed-mean"
                />
              ))}
              {p.lines.map((l) => (
                <Line
                  key={l.key}
                  dataKey={l.key}
                  name={l.label}
                  stroke={l.color}
                  strokeWidth={1.5}
                  strokeDasharray={l.dashed ? '4 3' : undefined}
                  dot={dot}
                  isAnimationActive={false}
                  connectNulls={false}
                  yAxisId={l.right ? 'right' : 0}
                />
              ))}
              {overlays.map((l) => (
                <Line
                  key={l.key}
                  data={l.rows as Row[]}
                  dataKey={l.key}
                  name={l.label}
                  stroke={l.color}
                  strokeWidth={1.5}
                  strokeDasharray={l.dash ?? '4 3'}
                  dot={dotFor(l.rows.length)}
                  isAnimationActive={false}
                  connectNulls={false}
                  data-testid="overlay-curve"
                  data-run={l.key}
                />
              ))}
              {stageLines(p.markers)}
              {p.children}
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
      {p.footer}
    </figure>
  );
}
