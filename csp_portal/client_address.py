"""The IP address of the person making a request, seen through the deployment's reverse proxies.

Behind a proxy every request arrives from the proxy's address. The proxy says whom it is acting for
in X-Forwarded-For, but anyone can send that header, so it is read only when the request comes from
a proxy the deployment names in ``TRUSTED_PROXIES``. Each proxy appends the address it received the
request from, so the header is read from the right: past our own proxies, the first address that
is not one of them is the client. Whatever lies further left was written by the client and could
be anything.

django-axes counts failed sign-ins per account and client address with this
(``AXES_CLIENT_IP_CALLABLE``), and the sign-in audit records it.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=4)
def _networks(spelled: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(network) for network in spelled)


def _address(text: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client reached over an IPv6 socket is the same client as over IPv4.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, when that is a trusted proxy, the right-most address in
    X-Forwarded-For that is not a trusted proxy."""
    remote_text = request.META.get("REMOTE_ADDR") or ""
    remote = _address(remote_text)
    if remote is None:
        return remote_text or None
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))

    def is_trusted(address: IPAddress) -> bool:
        return any(address in network for network in trusted)

    if not is_trusted(remote):
        return str(remote)  # not through our proxy: the header, if any, is the client's own say-so
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            # Not an address: our proxy would not write that, so believe nothing further left.
            break
        client = address
        if not is_trusted(address):
            break
    return str(client)
