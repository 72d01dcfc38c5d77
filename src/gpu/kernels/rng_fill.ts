// Wrapper for rng_fill.wgsl: fills a u32 buffer with counter-based draws.
// Checked bit for bit against core/rng.ts in rng_fill.browser.test.ts.
import type { KernelSpec } from '../runtime';
import rngCode from './rng.wgsl?raw';
import fillCode from './rng_fill.wgsl?raw';

const shaderSource = `${rngCode}\n${fillCode}`;

const WORKGROUP_SIZE = 64;

/**
 * Params, in struct order (kernels/params.test.ts holds them against the
 * .wgsl): u32 each. Not run through the runtime, so no tensor remainders: out
 * is bound at binding 1 directly.
 */
export const SPECS = {
  fill: { name: 'rng_fill', code: shaderSource, tensors: [], params: ['seed', 'stream', 'counter0', 'n'] },
} as const satisfies Record<string, KernelSpec>;
const PARAM_FIELDS = SPECS.fill.params.length;

/** Runs the kernel once and reads the result back; for tests and tools, not hot paths. */
export async function rngFill(device: GPUDevice, seed: number, stream: number, counter0: number, n: number): Promise<Uint32Array> {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`rngFill: n must be a positive integer, got ${n}`);
  const groups = Math.ceil(n / WORKGROUP_SIZE);
  const maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
  if (groups > maxGroups) throw new RangeError(`rngFill: n = ${n} needs ${groups} workgroups, the device allows ${maxGroups}`);

  const module = device.createShaderModule({ code: shaderSource, label: 'rng_fill' });
  const pipeline = device.createComputePipeline({
    layout: 'auto',
    compute: { module, entryPoint: 'main', constants: { WORKGROUP_SIZE } },
    label: 'rng_fill',
  });
  const params = device.createBuffer({ size: PARAM_FIELDS * 4, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(params, 0, new Uint32Array([seed >>> 0, stream >>> 0, counter0 >>> 0, n])); // SPECS.fill.params' order
  const out = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: params } },
      { binding: 1, resource: { buffer: out } },
    ],
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(groups);
  pass.end();
  enc.copyBufferToBuffer(out, 0, read, 0, n * 4);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const result = new Uint32Array(read.getMappedRange().slice(0));
  read.unmap();
  params.destroy();
  out.destroy();
  read.destroy();
  return result;
}
