#!/usr/bin/env bash
# after.sh FILE CMD...: waits until FILE exists, then runs CMD (chaining runs on a 2-core machine).
f=$1; shift
while [ ! -e "$f" ]; do sleep 15; done
exec "$@"
