// The engine choice (issue 15): Auto / WebGPU / CPU beside the badge. A run
// that exists moves to the chosen engine between two steps with its state
// (app/trainer.ts chooseEngine -> the worker's setEngine); the badge then
// names the engine and why (a software GPU: the CPU engine is faster here).
import { useState } from 'react';
import { ENGINE_OPTIONS } from '../engine';
import { chooseEngine, currentEngine } from '../trainer';
import type { EnginePreference } from '../../train/protocol';

export function EngineSelect() {
  const [value, setValue] = useState<EnginePreference>(() => currentEngine());
  const title = ENGINE_OPTIONS.find((o) => o.value === value)?.title ?? '';
  return (
    <label className="engine-select" title={title}>
      <span>Engine</span>
      <select
        data-testid="engine-select"
        value={value}
        onChange={(e) => {
          const p = e.target.value as EnginePreference;
          setValue(p);
          chooseEngine(p);
        }}
      >
        {ENGINE_OPTIONS.map((o) => (
          <option key={o.value} value={o.value} title={o.title}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
