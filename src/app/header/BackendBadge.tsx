// The backend badge: the GPU the trainer runs on, or "CPU fallback: <reason>".
// Before the worker reports, the page's own WebGPU probe fills it; the probe's
// adapter details sit in a popover (a <details>) under the badge.
import { useEffect, useState } from 'react';
import { adapterLabel, probeWebGPU, type WebGPUProbe } from '../../gpu/device';
import { useStore } from '../store';

type ProbeState = { state: 'probing' } | { state: 'done'; probe: WebGPUProbe };

export function BackendBadge() {
  const [probe, setProbe] = useState<ProbeState>({ state: 'probing' });
  const backend = useStore((s) => s.backend);
  const backendLabel = useStore((s) => s.backendLabel);
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

  // the worker's word wins once it has spoken: it may fall back even when the page found an adapter
  const probed = probe.state === 'done' ? probe.probe : null;
  const state = probe.state === 'probing' ? 'probing' : backend === 'cpu' || !probed?.available ? 'unavailable' : 'available';
  let text: string;
  if (backendLabel) text = backend === 'webgpu' ? `GPU: ${backendLabel}` : backendLabel;
  else if (!probed) text = 'Looking for a GPU…';
  else text = probed.available ? `GPU: ${adapterLabel(probed.adapter)}` : `CPU fallback: ${probed.reason}`;

  return (
    <details className="badge" data-testid="webgpu-status" data-state={state}>
      <summary title="The backend training runs on; open for the adapter's details">{text}</summary>
      <div className="badge-pop">{probed ? <ProbeFacts probe={probed} /> : <p>Looking for a GPU…</p>}</div>
    </details>
  );
}

function ProbeFacts({ probe }: { probe: WebGPUProbe }) {
  if (!probe.available) {
    return (
      <div>
        <p>
          <strong>WebGPU is not available.</strong> {probe.reason}
        </p>
        <p>Training falls back to the (slow) CPU reference. Use a recent Chrome, Edge or Firefox with WebGPU enabled.</p>
      </div>
    );
  }
  const a = probe.adapter;
  return (
    <dl className="facts">
      <dt>Adapter</dt>
      <dd data-testid="adapter-label">{adapterLabel(a)}</dd>
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
  );
}
