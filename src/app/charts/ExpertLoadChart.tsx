// Expert load: for each layer, the share of routed choices each expert got,
// as stacked areas (they sum to 1 per step). Balanced routing shows E bands
// of equal height; a collapsing router shows one band swallowing the rest.

import { Area, AreaChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartHeading } from '../help/ChartHeading';
import { CHART_TITLES, type ChartHelp } from '../help/chartHelp';
import { stageLines, WAITING } from './ChartCard';
import { pct } from './format';
import type { Row } from './series';
import type { ChartMarker } from './stages';

export const EXPERT_COLORS = ['#4cc9f0', '#f9c74f', '#90be6d', '#f3722c', '#c77dff', '#f94144', '#43aa8b', '#e9c46a'];

const AXIS = { stroke: '#6f86a3', fontSize: 11 };

export function ExpertLoadChart({ layers, experts, readout, help, markers }: {
  layers: readonly (readonly Row[])[]; experts: number; readout: string | null; help: ChartHelp;
  /** This run's pipeline stages only: the plots show this run's routing. */
  markers?: readonly ChartMarker[];
}) {
  return (
    <figure className="chart-card chart-wide" aria-labelledby="chart-experts-title" data-chart="experts">
      <ChartHeading id="experts" title={CHART_TITLES.experts} help={help} />
      <p className="chart-readout" data-testid="readout-experts">
        {readout ?? WAITING}
      </p>
      {layers.length === 0 || (layers[0]?.length ?? 0) === 0 ? (
        <div className="chart-empty">{readout ?? WAITING}</div>
      ) : (
        <div className="expert-layers">
          {layers.map((rows, l) => (
            <div key={l} className="expert-layer">
              <div className="expert-layer-name">layer {l}</div>
              <div className="chart-plot">
                <ResponsiveContainer width="100%" height="100%">
                  <AreaChart data={rows as Row[]} margin={{ top: 4, right: 8, bottom: 14, left: 0 }}>
                    <CartesianGrid stroke="#253756" strokeDasharray="3 3" />
                    <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} tick={AXIS} stroke={AXIS.stroke}
                      label={{ value: 'step', position: 'insideBottom', offset: -10, fill: AXIS.stroke, fontSize: 11 }} />
                    <YAxis domain={[0, 1]} ticks={[0, 0.5, 1]} tick={AXIS} stroke={AXIS.stroke} width={44} tickFormatter={pct} />
                    <Tooltip contentStyle={{ background: '#0f1724', border: '1px solid #253756', fontSize: 12 }}
                      labelFormatter={(s) => `step ${String(s)}`} formatter={(v) => (typeof v === 'number' ? pct(v) : String(v))} isAnimationActive={false} />
                    {Array.from({ length: experts }, (_, e) => (
                      <Area key={e} dataKey={`e${e}`} name={`expert ${e}`} stackId="load" stroke={EXPERT_COLORS[e % EXPERT_COLORS.length]}
                        fill={EXPERT_COLORS[e % EXPERT_COLORS.length]} fillOpacity={0.55} dot={false} isAnimationActive={false} />
                    ))}
                    {Array.from({ length: Math.max(0, experts - 1) }, (_, k) => (
                      <ReferenceLine key={k} y={(k + 1) / experts} stroke="#e8eef6" strokeOpacity={0.35} strokeDasharray="2 4" />
                    ))}
                    {stageLines(markers)}
                  </AreaChart>
                </ResponsiveContainer>
              </div>
            </div>
          ))}
        </div>
      )}
      <p className="chart-note">Dotted lines: where the bands would sit under perfectly balanced routing.</p>
    </figure>
  );
}
