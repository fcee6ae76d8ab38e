"""Imported by moto_server's Python at start-up, through the PYTHONPATH that local/moto-server.ts gives it.

Places where moto 5.2.1's EC2 is not AWS. The NAT instance mode (natGateways "instance") depends on the first two:
- an instance launched from a launch template (by Auto Scaling, or RunInstances without NetworkInterfaces) gets
  the template's NetworkInterfaces, as on AWS; moto ignored them and gave the instance a new "Primary network
  interface" instead, which outlived it (DeleteOnTermination false). An existing interface named by
  NetworkInterfaceId is attached as device 0, as RunInstances already does in moto
  (https://docs.aws.amazon.com/autoscaling/ec2/userguide/examples-launch-templates-aws-cli.html);
- terminating an instance detaches the interfaces that are not deleted on termination (status "available", no
  attachment), as on AWS; moto left them attached to the terminated instance, so they could never be deleted
  (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/terminating-instances.html). The
  terminated instance keeps listing them, as moto already does with the interfaces it deletes.
And one that network.keepEgressIps depends on: deleting a NAT gateway disassociates its Elastic IP, which stays
allocated (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html, "Delete a NAT
gateway"); moto left the address associated with the deleted gateway's interface.

Five costs of moto's server that the tests pay thousands of times and that say nothing about AWS; what moto
answers is unchanged:
- it copies every AWS managed policy it knows (about 1,400, parsed from one large JSON text) into each new
  account: about 0.15 s of its single-threaded CPU per account, and the tests open a fresh account for almost
  every test. Only the policies named in LAMBDA_EGRESS_MOTO_MANAGED_POLICIES (comma-separated) are kept;
- for every request it lists its own package directory, under its application lock, to find the service
  (moto.backends.list_of_moto_modules): the list is read once;
- for every request it lists its response class's methods with inspect.getmembers (about a tenth of its CPU per
  call): listed once per class;
- for every attribute of every object it returns it works out the attribute's possible Python names (another
  tenth): found once per class, attribute and shape;
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


def _method_names_listed_once_per_class(module):
    # BaseResponse.call_action lists its own class's methods (inspect.getmembers) on every request to find the
    # action's handler; a response class's methods never change while the server runs.
    listed = {}
    names_of = module.method_names_from_class

    def method_names_from_class(clazz):
        names = listed.get(clazz)
        if names is None:
            names = listed[clazz] = names_of(clazz)
        return names

    module.method_names_from_class = method_names_from_class


def _attribute_names_found_once(module):
    # To serialize a response, moto asks six alias providers, for every attribute of every object it returns, which
    # names the attribute may have in Python (AttributePicker.get_possible_keys): about a tenth of its CPU per call.
    # With moto's own providers the answer depends only on the picker, the object's class (its name, its Meta) and
    # the botocore shape, none of which changes while the server runs; other providers are asked every time.
    moto_providers = frozenset(module.DEFAULT_ALIAS_PROVIDERS)
    found = {}
    for picker in (module.AttributePicker, module.XFormedAttributePicker):
        find = picker.get_possible_keys

        def get_possible_keys(self, context, _find=find, _picker=picker):
            providers = tuple(self.alias_providers)
            obj = context.obj
            meta = getattr(obj, "Meta", None)
            if not moto_providers.issuperset(providers) or not isinstance(meta, (type, type(None))):
                return _find(self, context)
            key = (_picker, providers, type(obj), meta, context.key, context.shape)
            names = found.get(key)
            if names is None:
                names = found[key] = tuple(_find(self, context))
            return iter(names)

        picker.get_possible_keys = get_possible_keys


def _instances_follow_launch_template_interfaces(module):
    instance_class = module.Instance
    create = instance_class.__init__
    terminate = instance_class.terminate

    def __init__(self, ec2_backend, image_id, user_data, security_groups, **kwargs):
        template_arg = kwargs.get("launch_template")
        if template_arg and not kwargs.get("nics"):
            # moto stores a template version's data under the API's member names (LaunchTemplateData.NetworkInterfaces)
            interfaces = ec2_backend._get_template_from_args(template_arg).data.get("NetworkInterfaces")
            if interfaces:
                kwargs["nics"] = interfaces
        create(self, ec2_backend, image_id, user_data, security_groups, **kwargs)

    def detaching_terminate(self):
        kept = [nic for nic in self.nics.values() if not nic.delete_on_termination]
        previous_state = terminate(self)
        for nic in kept:
            if nic.instance is self:
                nic.instance = None
                nic.attachment_id = None
                nic.attach_time = None
                nic.status = "available"
        return previous_state

    instance_class.__init__ = __init__
    instance_class.terminate = detaching_terminate


def _deleted_nat_gateways_free_their_addresses(module):
    backend_class = module.NatGatewayBackend
    delete = backend_class.delete_nat_gateway

    def disassociating_delete(self, nat_gateway_id):
        nat_gw = delete(self, nat_gateway_id)
        for eip in list(self.addresses):
            if eip.eni is not None and eip.eni is getattr(nat_gw, "_eni", None) and eip.association_id:
                self.disassociate_address(association_id=eip.association_id)
        return nat_gw

    backend_class.delete_nat_gateway = disassociating_delete


_AFTER_IMPORT = {
    "moto.backends": _read_module_list_once,
    "moto.core.responses": _method_names_listed_once_per_class,
    "moto.core.serialize": _attribute_names_found_once,
    "moto.ec2.models.instances": _instances_follow_launch_template_interfaces,
    "moto.ec2.models.nat_gateways": _deleted_nat_gateways_free_their_addresses,
}
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
