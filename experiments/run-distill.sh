#!/usr/bin/env bash
# Issue 17 item 3: distillation into the dense student vs GRPO on it, one run at a time.
#   student base: npm run pretrain -- --preset "R1-Zero (Countdown)" --set model.dModel=32 --set model.nShared=0
#                 --set model.nRouted=1 --set model.topK=1 --set model.dExpert=64 --out public/student-countdown-dense.safetensors
#   teacher:      base-countdown-long after 60 GRPO steps (seed 1), saved by the seed-1 distill run (--save-teacher)
# Budget: equal samples. Distillation draws 512 prompts x 8 = 4096 teacher samples; GRPO at 8 x 8 draws 64 per step: 64 steps.
# A result file already there is skipped.
set -u
cd "$(dirname "$0")/.."
STUDENT=(--set model.dModel=32 --set model.nShared=0 --set model.nRouted=1 --set model.topK=1 --set model.dExpert=64)
for S in ${SEEDS:-1 2 3}; do
  out=experiments/results/distill-s$S.json
  if [ ! -e "$out" ]; then
    if [ "$S" = 1 ]; then
      nice npm run distill -- --teacher base-countdown-long.safetensors --teacher-grpo 60 --save-teacher public/teacher-countdown-grpo60.safetensors \
        --student student-countdown-dense.safetensors --k 8 --prompts 512 --steps 300 --seed 1 --out "$out" > experiments/logs/distill-s1.log 2>&1
    else
      nice npm run distill -- --teacher teacher-countdown-grpo60.safetensors --student student-countdown-dense.safetensors \
        --k 8 --prompts 512 --steps 300 --seed "$S" --out "$out" > "experiments/logs/distill-s$S.log" 2>&1
    fi
  fi
  out=experiments/results/distill-grpo-s$S.json
  [ -e "$out" ] || nice npm run experiment -- --preset "R1-Zero (Countdown)" --base student-countdown-dense.safetensors "${STUDENT[@]}" \
    --steps ${GRPO_STEPS:-64} --seed "$S" --out "$out" > "experiments/logs/distill-grpo-s$S.log" 2>&1
done
