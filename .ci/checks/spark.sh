#!/usr/bin/env bash
# Runs the PySpark example for real, in local mode bound to loopback, and checks that its
# per-category counts (through RDD.pipe and through SQL TRANSFORM) equal those of
# `piiscan scan --format json` on the same files.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "pyspark==3.5.3"

cargo build -q
# A private copy: Spark checks that the file it ships does not change under it.
cp "$here/target/debug/piiscan" "$work/piiscan"
bin="$work/piiscan"
mkdir -p "$work/input"
cp fixtures/tree/logs/* "$work/input/"
python3 fixtures/gen/corpus.py --out "$work/gen" --size 256KB --seed 3 >/dev/null
cp "$work/gen"/logs/* "$work/input/"

export SPARK_LOCAL_IP=127.0.0.1
export PYSPARK_PYTHON="$work/venv/bin/python"
"$work/venv/bin/python" - "$bin" "$work" <<'PY'
import runpy, sys
binary, work = sys.argv[1], sys.argv[2]
from pyspark.sql import SparkSession
# Local mode on loopback only, no UI.
SparkSession.builder.master("local[2]") \
    .config("spark.driver.host", "127.0.0.1") \
    .config("spark.driver.bindAddress", "127.0.0.1") \
    .config("spark.ui.enabled", "false") \
    .getOrCreate()
sys.argv = ["piiscan_job.py", "--binary", binary, "--input", f"{work}/input", "--output", f"{work}/counts.json"]
runpy.run_path("examples/spark/piiscan_job.py", run_name="__main__")
PY

"$bin" scan "$work/input" --format json --fail-on never --no-ignore --hidden > "$work/scan.json"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
spark = json.load(open(f"{work}/counts.json"))
scan = json.load(open(f"{work}/scan.json"))["summary"]["by_category"]
expected = {k: v["findings"] for k, v in scan.items()}
ok = True
for how in ("rdd_pipe", "sql_transform"):
    if spark[how] != expected:
        ok = False
        print(f"FAIL: {how} counts {spark[how]} != piiscan scan {expected}")
if not expected:
    ok = False
    print("FAIL: the scan found nothing to compare")
if ok:
    print(f"ok: Spark (RDD.pipe and SQL TRANSFORM) counts equal piiscan scan: {expected}")
sys.exit(0 if ok else 1)
PY
