#!/usr/bin/env python3
"""scripts/mirror: generate or serve the offline mirror of the 64 government sites."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(prog="scripts/mirror", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="write a deterministic universe into DIR")
    g.add_argument("--out", required=True, metavar="DIR")
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--scale", type=int, default=1, help="multiply the distractors (benchmarks)")
    g.add_argument("--add", type=int, default=0, metavar="N",
                   help="N documents published since (incremental crawls); the rest stays identical")
    g.add_argument("--edit", type=int, default=0, metavar="N",
                   help="N old included documents edited since (a sentence gains 本文件已修订; truth: edited)")
    g.add_argument("--variants", default="default", metavar="all|default|none|NAME,...",
                   help="the presentation variants article pages may take (render.py VARIANTS; "
                        "default: those in DEFAULT_VARIANTS)")
    s = sub.add_parser("serve", help="serve DIR on 127.0.0.1, every host by its Host header")
    s.add_argument("--root", required=True, metavar="DIR")
    s.add_argument("--port", type=int, default=8080, help="HTTP port (0 picks a free one)")
    s.add_argument("--tls-port", type=int, default=None, help="HTTPS port (0 picks a free one)")
    s.add_argument("--faults", default="", metavar="SPEC",
                   help="MODE[=RATE][@HOST+HOST],...; modes: slow 500 503 reset truncate "
                        "ratelimit redirect-loop waf redesign bomb huge charset endless longurl "
                        "authority downgrade pager empty controls")
    s.add_argument("--log", default=None, metavar="FILE", help="append one line per request")
    a = ap.parse_args()
    if a.cmd == "generate":
        from generate import main_generate
        from render import parse_variants
        try:
            variants = parse_variants(a.variants)
        except ValueError as e:
            sys.exit("mirror: %s" % e)
        u = main_generate(a.out, a.seed, a.scale, a.add, variants, a.edit)
        pages = sum(len(d["hosts"]) for d in u.docs)
        print("generated %s: seed %d, scale %d, %d documents, %d article pages" % (a.out, a.seed, a.scale, len(u.docs), pages))
    else:
        from serve import serve
        if not os.path.exists(os.path.join(a.root, "sites.json")):
            sys.exit("mirror: %s is not a generated mirror (no sites.json); run scripts/mirror generate --out %s" % (a.root, a.root))
        serve(a.root, a.port, a.tls_port, a.faults, a.log)


if __name__ == "__main__":
    main()
