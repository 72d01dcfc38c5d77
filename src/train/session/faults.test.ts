// Fault injection: refused unless the session allows it; numerical faults
// stop their step and leave the weights.

import { describe, expect, it } from 'vitest';
import { CFG, directSteps, harness, strip, useBase } from './testing';

useBase();

describe('faults', () => {
  it('a fault command is refused unless the session was started with faults on; a bad kind is named', async () => {
    const h = harness();
    await h.initWithBase();
    await h.send({ type: 'fault', kind: 'nan-loss' });
    await h.send({ type: 'fault', kind: 'melt' });
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    const errs = h.of('error').map((e) => e.message);
    expect(errs[0]).toMatch(/fault injection is off/);
    expect(errs[1]).toMatch(/command fault: field "kind" must be one of nan-loss, inf-grad, lose-device, gpu-oom, got "melt"/);
    expect(errs.length).toBe(2); // the step after ran clean: nothing was armed
    expect(h.of('metrics').map((e) => strip(e.metrics))).toEqual((await directSteps(CFG, 1)).map(strip));
  });

  it('nan-loss and inf-grad stop their step, naming it and the cause; the weights stay; the next step is the one an unfaulted run takes', async () => {
    const h = harness({ faults: true });
    await h.initWithBase();
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    await h.send({ type: 'exportCheckpoint' });
    await h.session.idle();
    const before = new Float32Array(h.of('checkpoint')[0]!.params);
    for (const [kind, cause] of [['nan-loss', /GRPO step 1 \(inner iteration 0\): the loss is NaN; the update was not applied/], ['inf-grad', /GRPO step 1 \(inner iteration 0\): the gradient norm is Infinity; the update was not applied/]] as const) {
      await h.send({ type: 'fault', kind });
      await h.send({ type: 'step', n: 1 });
      await h.session.idle();
      const err = h.of('error').at(-1)!;
      expect(err.message).toMatch(cause);
      expect([err.step, err.recoverable]).toEqual([1, true]);
      expect(h.session.state).toBe('paused');
    }
    expect(h.of('metrics').length).toBe(1);
    await h.send({ type: 'exportCheckpoint' });
    await h.session.idle();
    const ck = h.of('checkpoint')[1]!;
    expect(ck.step).toBe(1);
    expect(new Float32Array(ck.params)).toEqual(before); // the last good weights
    expect(new Float32Array(ck.adamM).every(Number.isFinite)).toBe(true);
    await h.send({ type: 'step', n: 2 }); // each fault fired once: these run clean
    await h.session.idle();
    expect(h.of('metrics').map((e) => strip(e.metrics))).toEqual((await directSteps(CFG, 3)).map(strip));
  }, 30_000);
});
