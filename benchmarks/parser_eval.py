"""Parser benchmark: field-level accuracy on the shared parser cases, per case and overall.

    python benchmarks/parser_eval.py                      # the offline rule parser
    python benchmarks/parser_eval.py --llm-base-url http://127.0.0.1:8080/v1 --llm-model m

Only the fields each case names are scored; a case's data file need not exist.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from openautoglm.parse import LLMConfig, RuleParser, parse_description

DEFAULT_CASES = Path(__file__).resolve().parents[2] / "shared" / "parser" / "cases.jsonl"


def evaluate(cases: list[dict], llm: LLMConfig | None) -> list[dict]:
    """One row a case: fields right, fields expected, the wrong ones, seconds."""
    rows = []
    for case in cases:
        start = time.perf_counter()
        if llm is None:
            flat = RuleParser().parse(case["text"]).with_defaults().flat()
        else:
            flat = parse_description(case["text"], base_dir="/nonexistent", llm=llm).flat()
        wrong = {k: {"expected": v, "got": flat.get(k)} for k, v in case["expect"].items()
                 if flat.get(k) != v}  # fmt: skip
        rows.append(
            {
                "text": case["text"],
                "right": len(case["expect"]) - len(wrong),
                "fields": len(case["expect"]),
                "wrong": wrong,
                "seconds": time.perf_counter() - start,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--llm-base-url")
    parser.add_argument("--llm-model")
    parser.add_argument("--out", type=Path, help="write the rows as JSON here")
    args = parser.parse_args()
    if not args.cases.is_file():
        raise SystemExit(f"no cases file at {args.cases}; pass --cases")
    cases = [json.loads(line) for line in args.cases.read_text("utf-8").splitlines() if line]
    llm = LLMConfig.from_env(args.llm_base_url, args.llm_model)
    rows = evaluate(cases, llm)
    print("| # | fields right | description | wrong |\n|---|---|---|---|")
    for i, row in enumerate(rows, 1):
        wrong = "; ".join(f"{k}: got {v['got']!r}" for k, v in row["wrong"].items()) or "-"
        print(f"| {i} | {row['right']}/{row['fields']} | {row['text'][:50]} | {wrong} |")
    right, total = sum(r["right"] for r in rows), sum(r["fields"] for r in rows)
    exact = sum(r["right"] == r["fields"] for r in rows)
    print(
        f"\nfield accuracy {right}/{total} = {right / total:.1%}; cases fully right "
        f"{exact}/{len(rows)}; backend {'rules' if llm is None else 'rules+llm'}"
    )
    if args.out:
        args.out.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
