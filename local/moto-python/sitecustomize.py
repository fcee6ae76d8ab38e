"""Imported by moto_server's Python at start-up, through the PYTHONPATH that local/moto-server.ts gives it.

Three costs of moto's server that the tests pay thousands of times and that say nothing about AWS; what moto
answers is unchanged:
- it copies every AWS managed policy it knows (about 1,400, parsed from one large JSON text) into each new
  account: about 0.15 s of its single-threaded CPU per account, and the tests open a fresh account for almost
  every test. Only the policies named in LAMBDA_EGRESS_MOTO_MANAGED_POLICIES (comma-separated) are kept;
- for every request it lists its own package directory, under its application lock, to find the service
  (moto.backends.list_of_moto_modules): the list is read once;
- it logs every request through werkzeug's logger, whose output local/moto-server.ts discards anyway.
"""
import importlib.abc
import importlib.util
import json
import logging
import os
import sys

_KEEP = [name for name in os.environ.get("LAMBDA_EGRESS_MOTO_MANAGED_POLICIES", "").split(",") if name]


def _keep_named_managed_policies(module):
    everything = json.loads(module.aws_managed_policies_data)
    missing = [name for name in _KEEP if name not in everything]
    if missing:
        raise RuntimeError(f"moto knows no AWS managed policy named {', '.join(missing)}")
    module.aws_managed_policies_data = json.dumps({name: everything[name] for name in _KEEP})


def _read_module_list_once(module):
    listed = tuple(module.list_of_moto_modules())
    module.list_of_moto_modules = lambda: listed


_AFTER_IMPORT = {"moto.backends": _read_module_list_once}
if _KEEP:
    _AFTER_IMPORT["moto.iam.aws_managed_policies"] = _keep_named_managed_policies


class _AdjustAfterImport(importlib.abc.MetaPathFinder):
    """Lets moto's module load as usual, then applies its adjustment once."""

    def find_spec(self, name, path, target=None):
        adjust = _AFTER_IMPORT.pop(name, None)
        if adjust is None:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            if _AFTER_IMPORT:
                sys.meta_path.insert(0, self)
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            adjust(module)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _AdjustAfterImport())
logging.getLogger("werkzeug").setLevel(logging.WARNING)
