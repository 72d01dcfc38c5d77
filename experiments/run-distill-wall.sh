#!/usr/bin/env bash
# Issue 17 item 3, the equal-wall-time arm: GRPO on the dense student for as many steps as fit in the
# wall time distillation spent sampling and fine-tuning (distill-s1.json: sampling 70 s + SFT 156 s = 226 s,
# the teacher's own GRPO and the evaluations not counted; GRPO on the student takes about 0.5 s a step): 450 steps.
# A result file already there is skipped.
set -u
cd "$(dirname "$0")/.."
STUDENT=(--set model.dModel=32 --set model.nShared=0 --set model.nRouted=1 --set model.topK=1 --set model.dExpert=64)
for S in ${SEEDS:-1 2 3}; do
  out=experiments/results/distill-grpo450-s$S.json
  [ -e "$out" ] || nice npm run experiment -- --preset "R1-Zero (Countdown)" --base student-countdown-dense.safetensors "${STUDENT[@]}" \
    --steps 450 --seed "$S" --out "$out" > "experiments/logs/distill-grpo450-s$S.log" 2>&1
done
