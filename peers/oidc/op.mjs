// The OpenID Connect provider of the tests: the certified npm `oidc-provider`, configured like the production
// Keycloak realm (docs/deploy.md): a confidential client per site, PKCE (S256) required, JWT access tokens for
// the services' audience with the officer's client roles under resource_access.<client>.roles and the office
// codes in `offices`, RP-initiated logout. Test users come from the JSON file named on the command line:
// {issuer, port, audience, signing_alg, access_token_seconds, keys: [private JWKs], clients: [...],
//  users: [{sub, username, name, roles, offices}]}. The login form is oidc-provider's devInteractions form
// (for tests only): the login names a configured user; a login of no configured user is refused.
import { readFileSync } from 'node:fs';

import Provider, { errors } from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const users = new Map(config.users.map((user) => [user.username, user]));
const clientIds = config.clients.map((client) => client.client_id);
// A resource indicator must be an absolute URI; the tokens' `aud` is the services' audience itself.
const RESOURCE = 'urn:ektp:services';

function clientRoles(user) {
  // The same roles for every site client, as a Keycloak client scope mapping the services' client roles would.
  return Object.fromEntries([config.audience, ...clientIds].map((id) => [id, { roles: user.roles }]));
}

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: { keys: config.keys },
  cookies: { keys: ['test-only-cookie-key'] },
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'offline_access'],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
  ttl: { AccessToken: config.access_token_seconds, IdToken: 3600, Session: 3600, Interaction: 600, Grant: 3600 },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Every client gets access tokens for the services (one audience), as JWTs signed with the realm key.
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, indicator) => {
        if (indicator !== RESOURCE) throw new errors.InvalidTarget();
        return {
          scope: 'openid profile', audience: config.audience, accessTokenFormat: 'jwt',
          accessTokenTTL: config.access_token_seconds, jwt: { sign: { alg: config.signing_alg } },
        };
      },
    },
  },
  // First-party clients: no consent screen (Keycloak's "Consent required: off").
  loadExistingGrant: async (ctx) => {
    if (!ctx.oidc.session.accountId) return undefined;
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile');
    grant.addResourceScope(RESOURCE, 'openid profile');
    await grant.save();
    return grant;
  },
  findAccount: async (ctx, id) => {
    const user = users.get(id) || config.users.find((candidate) => candidate.sub === id);
    if (!user) return undefined;
    return {
      accountId: user.username,
      claims: async () => ({ sub: user.username, preferred_username: user.username, name: user.name }),
    };
  },
  extraTokenClaims: async (ctx, token) => {
    const user = users.get(token.accountId);
    if (!user) return undefined;
    return {
      resource_access: clientRoles(user), realm_access: { roles: user.realm_roles }, offices: user.offices,
      preferred_username: user.username,
    };
  },
});
provider.proxy = false;

provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`oidc-provider listening on ${config.issuer}\n`);
});
