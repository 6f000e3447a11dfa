#!/usr/bin/python3
"""Execute notebooks with the tslab kernel; on failure print the failing cell's stderr (TS diagnostics)."""
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

args = sys.argv[1:]
out = ".nb-out"
if args[:1] == ["--out"]:
    out, args = args[1], args[2:]
os.makedirs(out, exist_ok=True)
failed = 0
for path in args:
    nb = nbformat.read(path, as_version=4)
    t0 = time.time()
    root = os.path.dirname(os.path.dirname(os.path.abspath(path)))
    client = NotebookClient(nb, timeout=900, kernel_name="tslab", resources={"metadata": {"path": root}})
    try:
        client.execute()
        print(f"ok   {path} ({time.time() - t0:.1f}s, {len(nb.cells)} cells)", flush=True)
    except CellExecutionError as e:
        failed += 1
        print(f"FAIL {path} ({time.time() - t0:.1f}s)", flush=True)
        bad = [c for c in nb.cells if c.cell_type == "code" and c.get("outputs")][-1:]
        for c in bad:
            print("---- cell ----\n" + c.source + "\n---- output ----")
            for o in c.outputs:
                if o.get("output_type") == "stream":
                    print(o.get("text", ""), end="")
                elif o.get("output_type") == "error":
                    print(f"{o.get('ename')}: {o.get('evalue')}")
        if not bad:
            print(str(e)[:2000])
    except Exception as e:  # kernel died, timeout
        failed += 1
        print(f"FAIL {path} ({time.time() - t0:.1f}s): {type(e).__name__}: {e}", flush=True)
    finally:
        nbformat.write(nb, os.path.join(out, os.path.basename(path)))
print(f"notebooks: {len(args) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
