"""Everything ruamel.yaml: YAML 1.2 seed files in, plain data out, comments kept for `fmt`
(read.py), and canonical YAML out (write.py). The rest of plansync uses these names."""

from plansync.seed.yamlio.read import load_yaml, pointer_at, position
from plansync.seed.yamlio.write import canonicalise_tree, dump, dump_plain, merge_into_tree

__all__ = ["canonicalise_tree", "dump", "dump_plain", "load_yaml", "merge_into_tree",
           "pointer_at", "position"]
