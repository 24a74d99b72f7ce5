#!/usr/bin/env bash
# The scorer's last line for each dev split, in-process.
cd "$(dirname "$0")/.."
for d in ../shared/bench/*/dev; do
  printf '%-14s ' "$(basename "$(dirname "$d")")"
  python ../shared/bench/score.py "$d" --call cleaner:clean --worst 0 | tail -n 1
done
