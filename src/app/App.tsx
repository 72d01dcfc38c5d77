// The shell of the app: product name and what the browser offers for training.
// The real UI (controls, charts, inspector, playground) arrives with the UI issue.
import { useEffect, useState } from 'react';
import { adapterLabel, probeWebGPU, type WebGPUProbe } from '../gpu/device';
import { DEFAULT_CONFIG, estimateParamCount } from '../core/config';

type ProbeState = { state: 'probing' } | { state: 'done'; probe: WebGPUProbe };

export function App() {
  const [probe, setProbe] = useState<ProbeState>({ state: 'probing' });
  useEffect(() => {
    let live = true;
    probeWebGPU().then(
      (p) => live && setProbe({ state: 'done', probe: p }),
      (e: unknown) => live && setProbe({ state: 'done', probe: { available: false, reason: String(e) } }),
    );
    return () => {
      live = false;
    };
  }, []);

  return (
    <main className="shell">
      <header>
        <h1>GRPO Playground</h1>
        <p className="tagline">Watch a tiny Mixture-of-Experts transformer learn arithmetic by GRPO, on your own GPU.</p>
      </header>
      <section aria-label="WebGPU status" className="card">
        <h2>WebGPU</h2>
        <WebGPUStatus probe={probe} />
      </section>
      <section aria-label="Default run" className="card">
        <h2>Default run</h2>
        <p>
          {DEFAULT_CONFIG.model.nLayers}-layer MoE transformer, {DEFAULT_CONFIG.model.nShared} shared + {DEFAULT_CONFIG.model.nRouted} routed
          experts (top-{DEFAULT_CONFIG.model.topK}), {estimateParamCount(DEFAULT_CONFIG).toLocaleString('en-US')} parameters; GRPO with{' '}
          {DEFAULT_CONFIG.grpo.batchPrompts} prompts × {DEFAULT_CONFIG.grpo.groupSize} samples per step.
        </p>
      </section>
    </main>
  );
}

function WebGPUStatus({ probe }: { probe: ProbeState }) {
  if (probe.state === 'probing') return <p data-testid="webgpu-status" data-state="probing">Looking for a GPU…</p>;
  const p = probe.probe;
  if (!p.available) {
    return (
      <div data-testid="webgpu-status" data-state="unavailable" role="alert">
        <p>
          <strong>WebGPU is not available.</strong> {p.reason}
        </p>
        <p>Training will fall back to the (slow) CPU reference. Use a recent Chrome, Edge or Firefox with WebGPU enabled.</p>
      </div>
    );
  }
  const a = p.adapter;
  return (
    <div data-testid="webgpu-status" data-state="available">
      <p>
        <strong>WebGPU available</strong> on <span data-testid="adapter-label">{adapterLabel(a)}</span>
      </p>
      <dl className="facts">
        <dt>Vendor</dt>
        <dd>{a.vendor || '—'}</dd>
        <dt>Architecture</dt>
        <dd>{a.architecture || '—'}</dd>
        <dt>Description</dt>
        <dd>{a.description || '—'}</dd>
        <dt>Fallback (software) adapter</dt>
        <dd>{a.isFallbackAdapter ? 'yes — expect CPU-like speed' : 'no'}</dd>
        <dt>Features</dt>
        <dd>{a.features.join(', ') || 'none'}</dd>
        <dt>Workgroup storage</dt>
        <dd>{a.limits.maxComputeWorkgroupStorageSize ?? '?'} bytes</dd>
        <dt>Storage buffer binding</dt>
        <dd>{a.limits.maxStorageBufferBindingSize ?? '?'} bytes</dd>
      </dl>
    </div>
  );
}
