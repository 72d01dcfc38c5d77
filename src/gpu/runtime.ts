// The WebGPU runtime every kernel wrapper and the GPU backend share.
//
// - Tensors are views (buffer, element offset, length) into a few large
//   buffers. A kernel binds each tensor argument as its own storage binding,
//   at the tensor's offset rounded DOWN to the device's storage-offset
//   alignment; the remainder (in elements) is passed to the shader in the
//   Params uniform. Every tensor binding is `var<storage, read_write>`: views
//   of one buffer often appear as input and output of one dispatch, and
//   WebGPU forbids mixing read-only and writable bindings of one buffer there.
//   WebGPU also forbids writable bindings whose byte ranges overlap, so views
//   that meet in one dispatch must start on a TENSOR_ALIGN-element boundary
//   (the largest storage-offset alignment a device may demand) and must not
//   overlap; dispatch() checks this and names the kernel when it fails.
// - Params uniform, the same layout for every kernel: first one u32 per
//   tensor binding (its element remainder, in binding order), then the
//   kernel's own scalars in the order its wrapper lists them. The values of
//   all dispatches of one submit live in one ring buffer, bound with a
//   dynamic offset, and are uploaded with one writeBuffer just before submit.
// - Dispatches go into one open compute pass / command encoder; `flush()`
//   submits. Buffer writes and reads flush first, so commands keep program order.
// - Pipelines are cached by kernel name + override constants; bind groups by
//   the exact buffer ranges they bind, so a decode loop reuses them.

export type DType = 'f32' | 'i32' | 'u32';

export interface GpuTensor {
  readonly buffer: GPUBuffer;
  /** In elements (4 bytes each). */
  readonly offset: number;
  readonly length: number;
  readonly dtype: DType;
}

export interface KernelSpec {
  /** Unique name; also the pipeline label. */
  name: string;
  code: string;
  entryPoint?: string;
  /**
   * The tensor bindings in binding order (1..n; binding 0 is Params); the
   * Params struct opens with one remainder o_<name> each.
   */
  tensors: readonly string[];
  /** The scalar Params fields after the remainders, in struct order: what dispatch's params fill, by position. */
  params: readonly string[];
  constants?: Record<string, number>;
}

export interface Kernel {
  readonly name: string;
  readonly tensors: number;
  /** The Params scalars' names (KernelSpec.params): dispatch must give exactly these many. */
  readonly params: readonly string[];
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

/** A kernel scalar. A plain number is a u32; wrap floats and signed ints. */
export type Param = number | { f32: number } | { i32: number };
export const f32 = (x: number): Param => ({ f32: x });
export const i32 = (x: number): Param => ({ i32: x });

export interface GpuCounters {
  dispatches: number;
  submits: number;
  readbacks: number;
}

/** Elements (256 bytes): view offsets that are multiples of this bind without overlap on any device. */
export const TENSOR_ALIGN = 64;

const PARAM_SLOT_BYTES = 256; // the default minUniformBufferOffsetAlignment, and 64 words of params
const RING_SLOTS = 4096;
const MAX_PARAM_WORDS = PARAM_SLOT_BYTES / 4;

export class GpuError extends Error {
  constructor(
    message: string,
    readonly kind: 'validation' | 'out-of-memory' | 'internal' | 'lost' | 'limits',
  ) {
    super(message);
    this.name = 'GpuError';
  }
}

/** Idle staging buffers kept per size class (GpuRuntime.read). */
const STAGING_KEEP = 2;

export class GpuRuntime {
  readonly counters: GpuCounters = { dispatches: 0, submits: 0, readbacks: 0 };
  /** Bytes of the tensors alloc() has created (nothing is freed, so this is also the peak); the bench compares it with the model's own sizes. */
  allocatedBytes = 0;
  /** Errors seen asynchronously (shader compile, validation, OOM); the app shows them. */
  readonly errors: GpuError[] = [];
  onError: ((e: GpuError) => void) | null = null;
  lost: GPUDeviceLostInfo | null = null;

  private readonly pipelines = new Map<string, Kernel>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 1;
  private readonly storageAlign: number;
  private readonly ring: GPUBuffer;
  private readonly ringData = new ArrayBuffer(RING_SLOTS * PARAM_SLOT_BYTES);
  private readonly ringU32 = new Uint32Array(this.ringData);
  private readonly ringF32 = new Float32Array(this.ringData);
  private readonly ringI32 = new Int32Array(this.ringData);
  private ringUsed = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  /** One small buffer per binding slot stands in for null tensors: a shared one would alias. */
  private readonly dummies: GPUBuffer[] = [];
  private copyScratch: GPUBuffer | null = null;
  // Free MAP_READ staging buffers by power-of-two size: a read is a rollout or
  // a step's packed metrics, the same few sizes every step, and creating and
  // destroying a mappable buffer per read is a fixed cost that dominates small
  // readbacks. A buffer is out of the pool while mapped, so concurrent reads
  // never share one.
  private readonly stagingFree = new Map<number, GPUBuffer[]>();
  private readonly scratches = new Map<string, GpuTensor>();

  constructor(readonly device: GPUDevice) {
    this.storageAlign = device.limits.minStorageBufferOffsetAlignment;
    this.ring = device.createBuffer({
      label: 'params ring',
      size: this.ringData.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    device.addEventListener('uncapturederror', (ev) => {
      const err = (ev as GPUUncapturedErrorEvent).error;
      const kind = err instanceof GPUOutOfMemoryError ? 'out-of-memory' : err instanceof GPUValidationError ? 'validation' : 'internal';
      this.report(new GpuError(`WebGPU ${kind} error: ${err.message}`, kind));
    });
    void device.lost.then((info) => {
      this.lost = info;
      this.report(new GpuError(`GPU device lost (${info.reason}): ${info.message}`, 'lost'));
    });
  }

  private report(e: GpuError): void {
    this.errors.push(e);
    this.onError?.(e);
  }

  // --- memory ---------------------------------------------------------------

  alloc(length: number, dtype: DType = 'f32', label = ''): GpuTensor {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`alloc: bad length ${length}`);
    const size = Math.max(16, Math.ceil((length * 4) / 16) * 16);
    if (size > this.device.limits.maxBufferSize) {
      throw new GpuError(
        `alloc ${label || 'buffer'}: ${size} bytes exceed this device's maxBufferSize (${this.device.limits.maxBufferSize})`,
        'limits',
      );
    }
    const buffer = this.device.createBuffer({
      label,
      size,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.allocatedBytes += size;
    return { buffer, offset: 0, length, dtype };
  }

  view(t: GpuTensor, offset: number, length: number, dtype: DType = t.dtype): GpuTensor {
    if (!(Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= t.length)) {
      throw new RangeError(`view [${offset}, ${offset + length}) outside a tensor of ${t.length}`);
    }
    return { buffer: t.buffer, offset: t.offset + offset, length, dtype };
  }

  /**
   * A named scratch tensor of n elements, grown (never shrunk) on demand and
   * shared by every call that names it. Reuse across calls in one submit is
   * safe: dispatches run in program order, so a later kernel sees the earlier
   * one's writes, and each caller writes its scratch before reading it.
   */
  scratch(name: string, n: number, dtype: DType = 'f32'): GpuTensor {
    let t = this.scratches.get(name);
    if (!t || t.length < n) {
      t = this.alloc(Math.max(n, 2 * (t?.length ?? 0), TENSOR_ALIGN), dtype, `scratch ${name}`);
      this.scratches.set(name, t);
    }
    return this.view(t, 0, n);
  }

  /** Uploads host data into t, in program order with enqueued dispatches. */
  write(t: GpuTensor, data: ArrayLike<number>): void {
    if (data.length > t.length) throw new RangeError(`write: ${data.length} values into a tensor of ${t.length}`);
    const arr = t.dtype === 'f32' ? Float32Array.from(data) : t.dtype === 'i32' ? Int32Array.from(data) : Uint32Array.from(data);
    this.flush();
    this.device.queue.writeBuffer(t.buffer, t.offset * 4, arr.buffer, arr.byteOffset, arr.byteLength);
  }

  zero(t: GpuTensor): void {
    if (t.length === 0) return;
    this.endPass();
    this.ensureEncoder().clearBuffer(t.buffer, t.offset * 4, t.length * 4);
  }

  copy(dst: GpuTensor, src: GpuTensor, n: number): void {
    if (n > dst.length || n > src.length) throw new RangeError(`copy: ${n} elements between tensors of ${src.length} and ${dst.length}`);
    if (n === 0) return;
    if (dst.buffer !== src.buffer) {
      this.endPass();
      this.ensureEncoder().copyBufferToBuffer(src.buffer, src.offset * 4, dst.buffer, dst.offset * 4, n * 4);
      return;
    }
    // copyBufferToBuffer refuses one buffer as both source and destination: bounce through a scratch buffer.
    if (!this.copyScratch || this.copyScratch.size < n * 4) {
      this.flush(); // enqueued copies may still reference the old scratch
      this.copyScratch?.destroy();
      const size = Math.max(n * 4, 2 * (this.copyScratch?.size ?? 0));
      this.copyScratch = this.device.createBuffer({ label: 'copy scratch', size, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    }
    this.endPass();
    const enc = this.ensureEncoder();
    enc.copyBufferToBuffer(src.buffer, src.offset * 4, this.copyScratch, 0, n * 4);
    enc.copyBufferToBuffer(this.copyScratch, 0, dst.buffer, dst.offset * 4, n * 4);
  }

  /** Submits everything enqueued, then downloads t. One readback. */
  async read(t: GpuTensor): Promise<Float32Array | Int32Array | Uint32Array> {
    const size = Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(4, t.length * 4))));
    const free = this.stagingFree.get(size);
    const staging = free?.pop() ?? this.device.createBuffer({ label: `staging ${size}`, size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.endPass();
    if (t.length > 0) this.ensureEncoder().copyBufferToBuffer(t.buffer, t.offset * 4, staging, 0, t.length * 4);
    this.flush();
    this.counters.readbacks++;
    await staging.mapAsync(GPUMapMode.READ, 0, Math.max(4, t.length * 4));
    const raw = staging.getMappedRange(0, Math.max(4, t.length * 4)).slice(0, t.length * 4);
    staging.unmap();
    // at most STAGING_KEEP idle per size: reads in flight at once are few (a step, a playground token)
    const list = this.stagingFree.get(size) ?? [];
    if (list.length < STAGING_KEEP) {
      list.push(staging);
      this.stagingFree.set(size, list);
    } else {
      staging.destroy();
    }
    return t.dtype === 'f32' ? new Float32Array(raw) : t.dtype === 'i32' ? new Int32Array(raw) : new Uint32Array(raw);
  }

  // --- kernels ----------------------------------------------------------------

  kernel(spec: KernelSpec): Kernel {
    const key = `${spec.name}|${JSON.stringify(spec.constants ?? {})}`;
    const hit = this.pipelines.get(key);
    if (hit) return hit;
    const nt = spec.tensors.length;
    if (nt > this.device.limits.maxStorageBuffersPerShaderStage) {
      throw new GpuError(
        `kernel ${spec.name} binds ${nt} storage buffers; this device allows ${this.device.limits.maxStorageBuffersPerShaderStage}`,
        'limits',
      );
    }
    const entries: GPUBindGroupLayoutEntry[] = [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: PARAM_SLOT_BYTES } },
    ];
    for (let i = 1; i <= nt; i++) entries.push({ binding: i, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } });
    this.device.pushErrorScope('validation');
    const layout = this.device.createBindGroupLayout({ label: spec.name, entries });
    const module = this.device.createShaderModule({ label: spec.name, code: spec.code });
    const pipeline = this.device.createComputePipeline({
      label: spec.name,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: spec.entryPoint ?? 'main', constants: spec.constants },
    });
    void this.device.popErrorScope().then((err) => {
      if (err) this.report(new GpuError(`kernel ${spec.name} failed to compile: ${err.message}`, 'validation'));
    });
    const k: Kernel = { name: spec.name, tensors: nt, params: spec.params, pipeline, layout };
    this.pipelines.set(key, k);
    return k;
  }

  /**
   * Enqueues one dispatch. tensors[i] goes to binding i+1 (null: a dummy
   * buffer, remainder 0). params follow the tensors' remainders in Params.
   */
  dispatch(k: Kernel, tensors: readonly (GpuTensor | null)[], params: readonly Param[], workgroups: readonly [number, number?, number?]): void {
    if (tensors.length !== k.tensors) throw new Error(`${k.name}: ${tensors.length} tensors given, the kernel binds ${k.tensors}`);
    if (params.length !== k.params.length) throw new Error(`${k.name}: ${params.length} params given, its Params has ${k.params.length} (${k.params.join(', ')})`);
    const words = tensors.length + params.length;
    if (words > MAX_PARAM_WORDS) throw new Error(`${k.name}: ${words} param words exceed ${MAX_PARAM_WORDS}`);
    const [x, y = 1, z = 1] = workgroups;
    const maxG = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (x > maxG || y > maxG || z > maxG) throw new GpuError(`${k.name}: dispatch ${x}x${y}x${z} exceeds ${maxG} workgroups per dimension`, 'limits');
    if (x === 0 || y === 0 || z === 0) return;
    if (this.ringUsed === RING_SLOTS) this.flush();

    const slot = this.ringUsed++;
    const base = (slot * PARAM_SLOT_BYTES) / 4;
    const ranges: { buffer: GPUBuffer; offset: number; size: number }[] = [];
    tensors.forEach((t, i) => {
      if (!t) {
        this.dummies[i] ??= this.device.createBuffer({ label: `null tensor ${i}`, size: 16, usage: GPUBufferUsage.STORAGE });
        ranges.push({ buffer: this.dummies[i]!, offset: 0, size: 16 });
        this.ringU32[base + i] = 0;
        return;
      }
      const byteOffset = t.offset * 4;
      const aligned = Math.floor(byteOffset / this.storageAlign) * this.storageAlign;
      const rem = (byteOffset - aligned) / 4;
      ranges.push({ buffer: t.buffer, offset: aligned, size: Math.max(16, (rem + t.length) * 4) });
      this.ringU32[base + i] = rem;
    });
    params.forEach((p, j) => {
      const w = base + tensors.length + j;
      if (typeof p === 'number') {
        if (!(Number.isInteger(p) && p >= 0 && p <= 0xffffffff)) throw new RangeError(`${k.name}: param ${j} = ${p} is not a u32 (wrap floats in f32())`);
        this.ringU32[w] = p;
      } else if ('f32' in p) this.ringF32[w] = p.f32;
      else this.ringI32[w] = p.i32;
    });

    checkNoAliasing(k.name, ranges);
    const pass = this.ensurePass();
    pass.setPipeline(k.pipeline);
    pass.setBindGroup(0, this.bindGroup(k, ranges), [slot * PARAM_SLOT_BYTES]);
    pass.dispatchWorkgroups(x, y, z);
    this.counters.dispatches++;
  }

  private bindGroup(k: Kernel, ranges: { buffer: GPUBuffer; offset: number; size: number }[]): GPUBindGroup {
    let key = k.name;
    for (const r of ranges) key += `|${this.bufferId(r.buffer)}:${r.offset}:${r.size}`;
    let bg = this.bindGroups.get(key);
    if (!bg) {
      if (this.bindGroups.size > 20_000) this.bindGroups.clear();
      bg = this.device.createBindGroup({
        layout: k.layout,
        entries: [
          { binding: 0, resource: { buffer: this.ring, offset: 0, size: PARAM_SLOT_BYTES } },
          ...ranges.map((r, i) => ({ binding: i + 1, resource: { buffer: r.buffer, offset: r.offset, size: r.size } })),
        ],
      });
      this.bindGroups.set(key, bg);
    }
    return bg;
  }

  private bufferId(b: GPUBuffer): number {
    let id = this.bufferIds.get(b);
    if (id === undefined) {
      id = this.nextBufferId++;
      this.bufferIds.set(b, id);
    }
    return id;
  }

  // --- submission ---------------------------------------------------------------

  private ensureEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private ensurePass(): GPUComputePassEncoder {
    this.pass ??= this.ensureEncoder().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  /** Submits all enqueued work (one submit), uploading this batch's params first. */
  flush(): void {
    this.endPass();
    if (!this.encoder) return;
    if (this.ringUsed > 0) this.device.queue.writeBuffer(this.ring, 0, this.ringData, 0, this.ringUsed * PARAM_SLOT_BYTES);
    this.device.queue.submit([this.encoder.finish()]);
    this.counters.submits++;
    this.encoder = null;
    this.ringUsed = 0;
  }

  /** Resolves when the GPU has finished everything submitted so far. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
  }
}

function checkNoAliasing(name: string, ranges: readonly { buffer: GPUBuffer; offset: number; size: number }[]): void {
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const a = ranges[i]!;
      const b = ranges[j]!;
      if (a.buffer === b.buffer && a.offset < b.offset + b.size && b.offset < a.offset + a.size) {
        throw new GpuError(
          `${name}: tensor arguments ${i} and ${j} share bytes [${Math.max(a.offset, b.offset)}, ${Math.min(a.offset + a.size, b.offset + b.size)}) ` +
            `of one buffer; WebGPU forbids aliased writable bindings (align views to ${TENSOR_ALIGN} elements, never pass one tensor twice)`,
          'validation',
        );
      }
    }
  }
}

/** Splits a workgroup count over x and y when it exceeds the per-dimension limit. */
export function grid(groups: number, maxPerDim = 65535): [number, number] {
  if (groups <= maxPerDim) return [groups, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}
