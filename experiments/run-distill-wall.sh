#!/usr/bin/env bash
# Issue 17 item 3, the long GRPO arm: 450 steps on the dense student, evaluated every 50. 450 was sized
# from distill-s1.json's sampling + SFT wall time (226 s) at 0.5 s a GRPO step, but s1 ran on a loaded
# machine: by the seeds run at similar load (s2, s3: 36 and 63 s against GRPO's 43 and 33 s to step 150),
# distillation's wall time is about GRPO's to step 100-150, and 450 steps is 2-4x it. distill:table reads
# this arm at step 150 (about equal wall time) and at 450.
# A result file already there is skipped.
set -u
cd "$(dirname "$0")/.."
STUDENT=(--set model.dModel=32 --set model.nShared=0 --set model.nRouted=1 --set model.topK=1 --set model.dExpert=64)
for S in ${SEEDS:-1 2 3}; do
  out=experiments/results/distill-grpo450-s$S.json
  [ -e "$out" ] || nice npm run experiment -- --preset "R1-Zero (Countdown)" --base student-countdown-dense.safetensors "${STUDENT[@]}" \
    --steps 450 --seed "$S" --out "$out" > "experiments/logs/distill-grpo450-s$S.log" 2>&1
done
