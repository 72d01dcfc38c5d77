#!/usr/bin/env bash
# Issue 17 item 5, first comparison (README "The four-stage recipe, measured"): R1's four stages against
# R1-Zero, from the same base (public/base-countdown-long.safetensors), the same 256 held-out problems
# (their own seed), 150 GRPO steps each, seeds 1-3, on the default CPU engine (WebAssembly SIMD).
#   r1-four-stage          preset 'R1 (four stages, Countdown)': cold start, GRPO 75 steps, rejection SFT, GRPO 75 steps
#   countdown-a-long-wasm  preset 'R1-Zero (Countdown)': arm (a) of README "Countdown" again, on the engine and code
#                          of the four-stage runs (arm (a) ran on the JavaScript reference, before the readability
#                          rate existed), so that both arms are measured alike
#   r1-cold-start-only     ablation, run after the first two arms were read: the four-stage preset with the rejection
#                          stage and the consistency term off (pipeline.rl1Steps=0, grpo.consistencyWeight=0), i.e.
#                          the cold start, then R1-Zero's 150 GRPO steps: how much of the recipe is the cold start
#   r1-no-consistency      ablation, run after the cold-start-only arm showed that the cold start alone does not keep
#                          readability: the four stages with the consistency term off (grpo.consistencyWeight=0), so
#                          the rejection stage alone is what differs from the cold-start-only arm
# Held-out evaluation every 10 steps (--set grpo.evalEvery=10, the presets say 50), for the steps each arm takes
# to reach a held-out accuracy; evaluation changes no weight and draws from its own stream, so the trajectory is
# the one evalEvery=50 gives (the first seed-1 runs, kept as <arm>-e50-s1, show it: equal at steps 50, 100, 150).
# Equal GRPO steps (150 = 75 + 75): the stages' own compute (16 + ~100 SFT steps, 4096 samples) is extra and is
# reported as wall time. Settings are the presets' (src/core/config.ts), set before any run; nothing was tuned.
# At most two runs at a time on this 2-core machine. Each writes experiments/results/<arm>-s<seed>.json and its
# log under experiments/logs/ (a log already there is skipped). Usage: bash experiments/run-pipeline.sh [ARM ...]
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/experiments}
declare -A PRESET=(
  [r1-four-stage]='R1 (four stages, Countdown)'
  [countdown-a-long-wasm]='R1-Zero (Countdown)'
  [r1-cold-start-only]='R1 (four stages, Countdown)'
  [r1-no-consistency]='R1 (four stages, Countdown)'
)
declare -A EXTRA=(
  [r1-four-stage]=''
  [countdown-a-long-wasm]=''
  [r1-cold-start-only]='--set pipeline.rl1Steps=0 --set grpo.consistencyWeight=0'
  [r1-no-consistency]='--set grpo.consistencyWeight=0'
)
ARMS=("$@")
[ ${#ARMS[@]} -eq 0 ] && ARMS=(r1-four-stage countdown-a-long-wasm r1-cold-start-only r1-no-consistency)
SEEDS=${SEEDS:-"1 2 3"}
STEPS=${STEPS:-150}
for seed in $SEEDS; do
  for arm in "${ARMS[@]}"; do
    out=$OUT/results/$arm-s$seed.json
    log=$OUT/logs/$arm-s$seed.log
    echo "(set -C; : > $log) 2>/dev/null && npm run experiment -- --preset \"${PRESET[$arm]}\" --steps $STEPS --seed $seed --base base-countdown-long.safetensors --set grpo.evalEvery=10 ${EXTRA[$arm]} --out $out >> $log 2>&1"
  done
done | xargs -d '\n' -P "${JOBS:-2}" -I{} bash -c '{}'
