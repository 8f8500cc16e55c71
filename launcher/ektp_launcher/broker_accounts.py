"""One RabbitMQ user per service on a local broker, with the permissions of ``ektp_shared.bus.permissions``
(its own queues, the shared exchanges, the routing keys of its own events, never the default exchange): what
the Messaging Topology Operator sets up in Kubernetes, done with ``rabbitmqctl`` for ``make up``, the
end-to-end tests and the chaos run.

Users, permissions and topic permissions are loaded in one ``rabbitmqctl import_definitions`` (each
``rabbitmqctl`` call starts an Erlang VM, about a second).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import subprocess
import tempfile
from collections.abc import Sequence
from urllib.parse import quote, urlsplit, urlunsplit

from ektp_shared.bus.permissions import permissions_of
from ektp_shared.bus.topology import Topology


def password_hash(password: str) -> str:
    """RabbitMQ's ``rabbit_password_hashing_sha256``: base64(salt + sha256(salt + password))."""
    salt = os.urandom(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


class BrokerAccounts:
    def __init__(self, rabbitmqctl: Sequence[str] = ("rabbitmqctl",), vhost: str = "/"):
        self.rabbitmqctl = list(rabbitmqctl)
        self.vhost = vhost
        self.users: list[str] = []

    def create(self, topologies: dict[str, Topology], admin_url: str) -> dict[str, str]:
        """Create a user per service; returns each service's broker URL (``admin_url`` with its credentials)."""
        definitions: dict[str, list] = {"users": [], "permissions": [], "topic_permissions": []}
        urls = {}
        for service, topology in topologies.items():
            user, password = f"{topology.namespace}-{service}", secrets.token_urlsafe(16)
            allowed = permissions_of(topology)
            definitions["users"].append({"name": user, "password_hash": password_hash(password),
                                         "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []})
            definitions["permissions"].append({"user": user, "vhost": self.vhost, "configure": allowed.configure,
                                               "write": allowed.write, "read": allowed.read})
            definitions["topic_permissions"] += [{"user": user, "vhost": self.vhost, "exchange": topic.exchange,
                                                  "write": topic.write, "read": topic.read} for topic in allowed.topics]
            parts = urlsplit(admin_url)
            netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.hostname}:{parts.port or 5672}"
            urls[service] = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
            self.users.append(user)
        with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
            json.dump(definitions, file)
            file.flush()
            os.chmod(file.name, 0o644)  # the broker (user rabbitmq) reads it
            subprocess.run([*self.rabbitmqctl, "import_definitions", file.name], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return urls

    def delete(self) -> None:
        for user in self.users:
            subprocess.run([*self.rabbitmqctl, "delete_user", user], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.users.clear()
