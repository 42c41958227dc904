"""Scan a directory of logs for personal data with piiscan as a Spark worker.

The piiscan binary is shipped to the executors with SparkContext.addFile; each partition's
records ({"path": ..., "text": ...} JSON lines, so the file a line came from travels with it)
are piped through `piiscan scan - --input-format jsonl`, which writes one JSON line per finding.
The findings become a DataFrame, aggregated per category and per path. The same scan is then
run through Spark SQL's `SELECT TRANSFORM(...) USING 'piiscan ...'`.

    spark-submit examples/spark/piiscan_job.py --binary target/release/piiscan --input logs/ \
        --output counts.json

Output (--output): {"rdd_pipe": {category: count}, "sql_transform": {category: count},
"per_path": {path: count}} — the category counts equal `piiscan scan --format summary` on the
same files.
"""

import argparse
import json
import os

from pyspark import SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True, help="path of the piiscan executable")
    parser.add_argument("--input", required=True, help="directory of text logs to scan")
    parser.add_argument("--output", required=True, help="where to write the counts as JSON")
    parser.add_argument("--partitions", type=int, default=4)
    args = parser.parse_args()

    spark = (
        SparkSession.builder.appName("piiscan")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    sc = spark.sparkContext
    sc.addFile(os.path.abspath(args.binary))
    binary = os.path.basename(args.binary)

    # Records with their paths: (path, whole file text) -> one JSON record per line.
    root = os.path.abspath(args.input)
    files = sc.wholeTextFiles(root, minPartitions=args.partitions)

    def to_records(item):
        path, text = item
        rel = os.path.relpath(path.replace("file:", "", 1), root)
        for line in text.splitlines():
            yield json.dumps({"path": rel, "text": line})

    records = files.flatMap(to_records)

    # The executable as the executors see it. In local mode (and on a standalone cluster with a
    # shared work dir) SparkFiles.get names it; on YARN, files added with addFile land in each
    # container's working directory, so use f"./{binary}" there instead.
    exe = SparkFiles.get(binary)
    os.chmod(exe, 0o755)
    command = [exe, "scan", "-", "--input-format", "jsonl"]

    # RDD.pipe: each partition's records on piiscan's stdin, its JSONL findings back.
    # checkCode=True fails the task on a non-zero exit; piiscan exits 0 whatever it finds.
    piped = records.pipe(" ".join(command), env={}, checkCode=True)

    findings = spark.read.json(piped)
    per_category = (
        findings.select(F.explode("categories").alias("category"))
        .groupBy("category")
        .count()
        .collect()
    )
    per_path = findings.groupBy("path").count().collect()

    # The same through Spark SQL: TRANSFORM pipes each row's columns, tab-separated.
    spark.createDataFrame(records.map(lambda r: (r,)), ["record"]).createOrReplaceTempView("records")
    sql_rows = spark.sql(
        f"""SELECT TRANSFORM(record) USING '{exe} scan - --input-format jsonl' AS (finding STRING)
            FROM records"""
    )
    sql_findings = spark.read.json(sql_rows.rdd.map(lambda r: r.finding))
    sql_per_category = (
        sql_findings.select(F.explode("categories").alias("category"))
        .groupBy("category")
        .count()
        .collect()
        if sql_findings.columns
        else []
    )

    result = {
        "rdd_pipe": {r["category"]: r["count"] for r in per_category},
        "sql_transform": {r["category"]: r["count"] for r in sql_per_category},
        "per_path": {r["path"]: r["count"] for r in per_path},
    }
    with open(args.output, "w") as f:
        json.dump(result, f, indent=2, sort_keys=True)
    print(json.dumps(result["rdd_pipe"], sort_keys=True))
    spark.stop()


if __name__ == "__main__":
    main()
