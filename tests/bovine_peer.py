"""A fediverse actor run by bovine (PyPI), an ActivityPub implementation not
written here: it signs its Follow and Undo with bovine's own HTTP-signature
code, and its inbox checks what the site sends with bovine's verifier, which
fetches the site's actor for the key, over loopback, as any server would.

It runs an aiohttp server on its own event loop in a thread; the test calls
it through ``call`` (blocking)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import aiohttp
from aiohttp import web
from bovine.clients.signed_http import SignedHttpClient
from bovine.crypto import build_validate_http_signature_raw, generate_rsa_public_private_key
from bovine.crypto.types import CryptographicIdentifier

T = TypeVar("T")


class BovinePeer:
    def __init__(self, base: str, loop: asyncio.AbstractEventLoop) -> None:
        self.base = base
        self.loop = loop
        self.public_pem, self.private_pem = generate_rsa_public_private_key()
        # What reached the inbox: (the signer bovine verified, or None; the activity).
        self.received: list[tuple[str | None, dict[str, Any]]] = []
        self.validate = build_validate_http_signature_raw(self._fetch_key)

    @property
    def actor_id(self) -> str:
        return f"{self.base}/actor"

    def undo(self, follow: dict[str, Any]) -> dict[str, Any]:
        """The Undo of ``follow``, as this peer sends it (fediverse_peer does the same)."""
        return {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": follow["id"] + "/undo",
            "type": "Undo",
            "actor": self.actor_id,
            "object": follow,
        }

    def actor(self) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.actor_id,
            "type": "Person",
            "preferredUsername": "bovine",
            "inbox": f"{self.base}/inbox",
            "outbox": f"{self.base}/outbox",
            "publicKey": {
                "id": f"{self.actor_id}#main-key",
                "owner": self.actor_id,
                "publicKeyPem": self.public_pem,
            },
        }

    async def _fetch_key(self, key_id: str) -> CryptographicIdentifier | None:
        async with aiohttp.ClientSession() as session:
            headers = {"Accept": "application/activity+json"}
            async with session.get(key_id.split("#")[0], headers=headers) as answer:
                document = await answer.json(content_type=None)
        return CryptographicIdentifier.from_public_key(document["publicKey"])

    async def post(self, inbox: str, activity: dict[str, Any]) -> int:
        """POST ``activity`` to ``inbox``, signed by bovine."""
        async with aiohttp.ClientSession() as session:
            client = SignedHttpClient(session, f"{self.actor_id}#main-key", self.private_pem)
            answer = await client.post(inbox, json.dumps(activity))
            async with answer:
                return answer.status

    def call(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=30)

    async def serve_actor(self, _request: web.Request) -> web.Response:
        return web.json_response(self.actor(), content_type="application/activity+json")

    async def inbox(self, request: web.Request) -> web.Response:
        body = await request.read()

        async def read_body() -> bytes:
            return body

        headers = {name.lower(): value for name, value in request.headers.items()}
        signer = await self.validate(request.method, str(request.url), headers, read_body)
        self.received.append((signer, json.loads(body)))
        return web.Response(status=202)


@contextmanager
def running_bovine_peer() -> Iterator[BovinePeer]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> tuple[BovinePeer, web.AppRunner]:
        peer = BovinePeer("", loop)
        app = web.Application()
        app.router.add_get("/actor", peer.serve_actor)
        app.router.add_post("/inbox", peer.inbox)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        peer.base = f"http://127.0.0.1:{port}"
        return peer, runner

    peer, runner = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
    try:
        yield peer
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
