// A real OpenID Connect provider for the tests (oidc-provider), shaped like Microsoft Entra ID's
// multi-tenant endpoints: /<tenant-id>/v2.0/... is one provider per tenant, all signing with one
// key and knowing one client (the portal). Started by tests/oidc_provider.py; prints one line of
// JSON, {"url": "http://127.0.0.1:PORT"}, on stdout when ready and runs until killed.
//
// Test controls: POST /__next-token {"tamper": KIND} alters the next ID token issued;
// GET /__last-callback gives the last redirect URL sent back to the portal.

import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';

import * as jose from 'jose';
import Provider, { interactionPolicy } from 'oidc-provider';

// stdout carries the ready line only: everything oidc-provider or Node says goes to stderr.
console.log = console.info = console.error;

const { values: options } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const TENANT_PATH = /^\/([0-9a-f-]{36})\/v2\.0(\/.*)?$/;
const ORGANIZATIONS_DISCOVERY = /^\/organizations-as\/([0-9a-f-]{36})\/v2\.0\/\.well-known\/openid-configuration$/;
const INTERACTION = /^\/interaction\/([\w-]+)$/;
const KID = 'test-signing-key';
const CLIENT = {
  client_id: 'csp-portal',
  client_secret: 'csp-portal-test-secret',
  token_endpoint_auth_method: 'client_secret_post',
  grant_types: ['authorization_code'],
  response_types: ['code'],
  redirect_uris: ['http://127.0.0.1/callback'], // any is accepted, see redirectUriAllowed below
};

const [{ privateKey: signingKey }, { privateKey: strangerKey }] = await Promise.all([
  jose.generateKeyPair('RS256', { extractable: true }),
  jose.generateKeyPair('RS256'), // signs the "bad-signature" tokens
]);
const signingJwk = { ...(await jose.exportJWK(signingKey)), kid: KID, alg: 'RS256', use: 'sig' };
const cookieKeys = [randomBytes(32).toString('hex')];

const tenants = new Map(); // tenant id -> {provider, handle}
const accounts = new Map(); // accountId (the opaque sub) -> {tenant, email, name}
let baseUrl;
let nextTamper = null;
let lastCallback = null;

const TAMPERS = {
  'wrong-audience': (claims) => [{ ...claims, aud: 'another-application' }, signingKey],
  expired: (claims) => {
    const now = Math.floor(Date.now() / 1000);
    return [{ ...claims, iat: now - 7200, exp: now - 3600 }, signingKey];
  },
  'bad-signature': (claims) => [claims, strangerKey],
};

async function tampered(idToken, kind) {
  const [claims, key] = TAMPERS[kind](jose.decodeJwt(idToken));
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: KID }).sign(key);
}

function subFor(tenant, email) {
  return createHash('sha256').update(`${tenant}\n${email.toLowerCase()}`).digest('hex').slice(0, 32);
}

function nameFrom(email) {
  return email.split('@')[0].split(/[._-]+/).filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1)).join(' ');
}

function findAccount(ctx, accountId) {
  const person = accounts.get(accountId);
  if (!person) return undefined;
  return {
    accountId,
    claims: () => ({
      sub: accountId,
      tid: person.tenant,
      email: person.email,
      email_verified: !person.email.split('@')[0].toLowerCase().startsWith('unverified'),
      name: person.name || nameFrom(person.email),
      preferred_username: person.email,
    }),
  };
}

// The documented pattern for a first-party client: no consent screen, the grant covers the OpenID
// Connect scopes asked for (as an organisation's admin consent does in Entra).
async function loadExistingGrant(ctx) {
  const { Grant } = ctx.oidc.provider;
  const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
  const grant = (grantId && await Grant.find(grantId))
    || new Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
  grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
  await grant.save();
  return grant;
}

// Every authorization request shows the sign-in form (no single sign-on from an earlier test in
// the same browser), so a test always chooses who signs in.
const policy = interactionPolicy.base();
policy.get('login').checks.add(new interactionPolicy.Check(
  'always_sign_in',
  'the test provider asks who signs in every time',
  (ctx) => !ctx.oidc.result?.login,
));

// After oidc-provider: remember the redirect back to the portal, and alter an ID token on demand.
async function controls(ctx, next) {
  await next();
  const location = ctx.response.get('location');
  if (['authorization', 'resume'].includes(ctx.oidc?.route) && location && !location.startsWith(baseUrl)) {
    lastCallback = location;
  }
  if (ctx.oidc?.route === 'token' && ctx.body?.id_token && nextTamper) {
    const kind = nextTamper;
    nextTamper = null;
    ctx.body = { ...ctx.body, id_token: await tampered(ctx.body.id_token, kind) };
  }
}

function tenantProvider(tenant) {
  if (tenants.has(tenant)) return tenants.get(tenant);
  const prefix = `/${tenant}/v2.0`;
  const provider = new Provider(`${baseUrl}${prefix}`, {
    clients: [CLIENT],
    jwks: { keys: [signingJwk] },
    findAccount,
    loadExistingGrant,
    claims: {
      openid: ['sub', 'tid', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      acr: null,
      auth_time: null,
      sid: null,
      iss: null,
    },
    conformIdTokenClaims: false, // the ID token carries the claims, as Entra's does
    ttl: { AccessToken: 3600, AuthorizationCode: 600, Grant: 3600, IdToken: 3600, Interaction: 3600, Session: 3600 },
    cookies: { keys: cookieKeys },
    features: { devInteractions: { enabled: false } },
    interactions: { policy, url: (ctx, interaction) => `${prefix}/interaction/${interaction.uid}` },
  });
  // Test only: any redirect_uri is accepted, since the portal's test server port is not known in advance.
  provider.Client.prototype.redirectUriAllowed = () => true;
  provider.use(controls);
  tenants.set(tenant, { provider, handle: provider.callback() });
  return tenants.get(tenant);
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function signInPage(tenant, uid) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Test organisation sign-in</title></head>
<body>
<main>
<h1>Test organisation sign-in</h1>
<p>Tenant <code>${escape(tenant)}</code></p>
<form method="post" action="/${escape(tenant)}/v2.0/interaction/${escape(uid)}">
<p><label for="email">E-mail address</label><br><input type="text" id="email" name="email" autocomplete="email" required></p>
<p><label for="name">Full name</label><br><input type="text" id="name" name="name" autocomplete="name"></p>
<p><input type="checkbox" id="mfa" name="mfa" value="yes"> <label for="mfa">Signed in with a second factor</label></p>
<p><button type="submit">Sign in</button></p>
</form>
</main>
</body>
</html>
`;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res, status, body = '', type = 'application/json') {
  res.writeHead(status, body ? { 'content-type': type } : {});
  res.end(body);
}

async function interaction(req, res, provider, tenant, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'This sign-in has expired.', 'text/plain');
  if (req.method === 'GET') return send(res, 200, signInPage(tenant, uid), 'text/html; charset=utf-8');
  const form = new URLSearchParams(await readBody(req));
  const email = (form.get('email') || '').trim();
  if (!email.includes('@')) return send(res, 400, 'Enter an e-mail address.', 'text/plain');
  const accountId = subFor(tenant, email);
  accounts.set(accountId, { tenant, email, name: (form.get('name') || '').trim() });
  const amr = form.get('mfa') ? ['pwd', 'mfa'] : ['pwd'];
  return provider.interactionFinished(req, res, { login: { accountId, amr } }, { mergeWithLastSubmission: false });
}

async function organizationsDiscovery(res, tenant) {
  const response = await fetch(`${baseUrl}/${tenant}/v2.0/.well-known/openid-configuration`);
  const document = await response.json();
  document.issuer = `${baseUrl}/{tenantid}/v2.0`; // Entra's template: the account's tenant fills it in
  send(res, 200, JSON.stringify(document));
}

async function control(req, res, path) {
  if (req.method === 'POST' && path === '/__next-token') {
    const kind = JSON.parse((await readBody(req)) || '{}').tamper;
    if (!(kind in TAMPERS)) return send(res, 400, JSON.stringify({ error: `unknown tamper ${kind}` }));
    nextTamper = kind;
    return send(res, 204);
  }
  if (req.method === 'GET' && path === '/__last-callback') return send(res, 200, JSON.stringify({ url: lastCallback }));
  const organizations = path.match(ORGANIZATIONS_DISCOVERY);
  if (req.method === 'GET' && organizations) return organizationsDiscovery(res, organizations[1]);
  return send(res, 404, JSON.stringify({ error: 'not_found' }));
}

async function route(req, res) {
  const path = new URL(req.url, baseUrl).pathname;
  const match = path.match(TENANT_PATH);
  if (!match) return control(req, res, path);
  const [, tenant, rest = '/'] = match;
  const { provider, handle } = tenantProvider(tenant);
  const step = rest.match(INTERACTION);
  if (step) return interaction(req, res, provider, tenant, step[1]);
  // Mounted under the tenant's path, as the oidc-provider documentation shows for a path prefix.
  req.originalUrl = req.url;
  req.url = req.url.slice(`/${tenant}/v2.0`.length) || '/';
  return handle(req, res);
}

const server = http.createServer((req, res) => {
  route(req, res).catch((error) => {
    console.error(error);
    if (!res.headersSent) send(res, error.statusCode || 500, JSON.stringify({ error: String(error) }));
    else res.end();
  });
});
server.listen(Number(options.port), '127.0.0.1', () => {
  baseUrl = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(`${JSON.stringify({ url: baseUrl })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
