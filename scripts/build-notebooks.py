#!/usr/bin/python3
"""Builds notebooks/*.ipynb (outputs cleared) from notebooks/src/*.md.

A source file is markdown with code cells fenced as ```ts ... ```; everything else is markdown.
Edit the .md source, run `python3 scripts/build-notebooks.py`, commit both.
"""
import json
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src_dir = os.path.join(root, "notebooks", "src")


def cells_of(text):
    cells = []
    pos = 0
    for m in re.finditer(r"^```ts\n(.*?)^```\s*$", text, flags=re.S | re.M):
        md = text[pos:m.start()].strip()
        if md:
            cells.append(("markdown", md))
        cells.append(("code", m.group(1).rstrip("\n")))
        pos = m.end()
    md = text[pos:].strip()
    if md:
        cells.append(("markdown", md))
    return cells


def notebook(cells):
    out = []
    for kind, body in cells:
        lines = body.split("\n")
        source = [l + "\n" for l in lines[:-1]] + [lines[-1]]
        cell = {"cell_type": kind, "metadata": {}, "source": source}
        if kind == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        out.append(cell)
    return {
        "cells": out,
        "metadata": {
            "kernelspec": {"display_name": "TypeScript", "language": "typescript", "name": "tslab"},
            "language_info": {"codemirror_mode": {"mode": "typescript", "name": "javascript", "typescript": True},
                              "file_extension": ".ts", "mimetype": "text/typescript", "name": "typescript", "version": "3.7.2"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


names = sys.argv[1:] or sorted(f[:-3] for f in os.listdir(src_dir) if f.endswith(".md"))
for name in names:
    with open(os.path.join(src_dir, name + ".md")) as f:
        nb = notebook(cells_of(f.read()))
    for i, c in enumerate(nb["cells"]):
        c["id"] = f"{name[:2]}-{i:02d}"
    path = os.path.join(root, "notebooks", name + ".ipynb")
    with open(path, "w") as f:
        json.dump(nb, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, root)} ({len(nb['cells'])} cells)")
