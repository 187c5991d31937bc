// A fediverse actor run by Fedify (npm @fedify/fedify), an ActivityPub
// framework not written here, for tests/test_activitypub_interop.py. Fedify
// signs its Follow and Undo itself, and verifies every activity reaching its
// inbox (fetching the sender's key from the site) before the listeners run.
// The test drives it through /control/*; it prints its base URL when ready.
import http from "node:http";

const fedify = await import(process.env.FEDIFY_MODULE ?? "@fedify/fedify");
const { createFederation, MemoryKvStore, Person, Follow, Undo, Accept, Create,
        generateCryptoKeyPair } = fedify;

const keys = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
const received = [];
const federation = createFederation({ kv: new MemoryKvStore(), allowPrivateAddress: true });

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "fedi") return null;
    const pairs = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      inbox: ctx.getInboxUri(identifier),
      publicKey: pairs[0].cryptographicKey,
    });
  })
  .setKeyPairsDispatcher(async (_ctx, identifier) => identifier === "fedi" ? [keys] : []);

// Only activities whose signatures Fedify verified reach these.
const record = async (ctx, activity) => {
  received.push(await activity.toJsonLd({ format: "compact" }));
};
federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Accept, record)
  .on(Create, record)
  .onError((_ctx, error) => { received.push({ error: String(error) }); });

let lastFollow = null;

async function control(url, base) {
  const ctx = federation.createContext(new URL(base), undefined);
  const target = url.searchParams.get("target");
  if (url.pathname === "/control/follow") {
    const actor = await ctx.lookupObject(target);
    lastFollow = new Follow({
      id: new URL(`${base}/follows/${Date.now()}`),
      actor: ctx.getActorUri("fedi"),
      object: actor.id,
    });
    await ctx.sendActivity({ identifier: "fedi" }, actor, lastFollow);
    return { sent: true };
  }
  if (url.pathname === "/control/undo") {
    const actor = await ctx.lookupObject(target);
    await ctx.sendActivity({ identifier: "fedi" }, actor, new Undo({
      id: new URL(`${lastFollow.id.href}/undo`),
      actor: ctx.getActorUri("fedi"),
      object: lastFollow,
    }));
    return { sent: true };
  }
  if (url.pathname === "/control/received") return received;
  return null;
}

const server = http.createServer(async (req, res) => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const url = new URL(req.url, base);
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  try {
    if (url.pathname.startsWith("/control/")) {
      const answer = await control(url, base);
      res.writeHead(answer === null ? 404 : 200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(answer));
      return;
    }
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const request = new Request(url, { method: req.method, headers: req.headers, body });
    const response = await federation.fetch(request, { contextData: undefined });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    res.writeHead(500, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ error: String(error && error.stack || error) }));
  }
});
server.listen(0, "127.0.0.1", () => {
  console.log(`http://127.0.0.1:${server.address().port}`);
});
