#!/usr/bin/env bash
# The four arms of issue 13 (README "Countdown: the R1-Zero curves, measured"), 3 seeds each,
# at most two runs at a time on this 2-core machine. Each run writes
# experiments/results/<arm>-s<seed>.json (npm run experiment:table reads them) and its log
# under experiments/logs/. Usage: bash experiments/run-arms.sh [ARM ...] (default: all).
set -u
cd "$(dirname "$0")/.."
P='R1-Zero (Countdown)'
declare -A EXTRA=(
  # README's first attempt, from the bases pretrained 450 steps (run with STEPS=200); the base is named
  # because the preset's own base is now the 1200-step one
  [countdown-a]='--base base-countdown.safetensors'
  [countdown-b-guess]='--base base-countdown-guess.safetensors'
  [countdown-c-wrong]='--base base-countdown-wrong.safetensors'
  [countdown-d-drgrpo]='--base base-countdown.safetensors --set grpo.lossType=dr_grpo'
  # the same, from bases pretrained 1200 steps instead of 450 (README: the 450-step base's search is superficial)
  [countdown-a-long]='--base base-countdown-long.safetensors'
  [countdown-b-guess-long]='--base base-countdown-guess-long.safetensors'
  [countdown-c-wrong-long]='--base base-countdown-wrong-long.safetensors'
  [countdown-d-drgrpo-long]='--base base-countdown-long.safetensors --set grpo.lossType=dr_grpo'
)
ARMS=("$@")
# default: the arms README tables
[ ${#ARMS[@]} -eq 0 ] && ARMS=(countdown-a-long countdown-b-guess-long countdown-c-wrong-long countdown-d-drgrpo-long)
SEEDS=${SEEDS:-"1 2 3"}
STEPS=${STEPS:-150}
for seed in $SEEDS; do
  for arm in "${ARMS[@]}"; do
    out=experiments/results/$arm-s$seed.json
    log=experiments/logs/$arm-s$seed.log
    # a run whose log exists was started by this or another queue (delete the log and the result to run it again);
    # noclobber makes claiming the log atomic, so two queues never run the same arm and seed
    echo "(set -C; : > $log) 2>/dev/null && npm run experiment -- --preset \"$P\" --steps $STEPS --seed $seed ${EXTRA[$arm]} --out $out >> $log 2>&1"
  done
done | xargs -d '\n' -P "${JOBS:-2}" -I{} bash -c '{}'
