/** Keystone v3 password auth against the reference backend's Keystone-compatible endpoint (loopback). */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NovaReference, startNovaReference } from '../backends/nova-reference/index.ts';
import { AuthError } from '../engine/errors.ts';
import { HttpClient } from '../engine/http/client.ts';
import { NovaClient } from '../engine/targets/nova/client.ts';
import type { OsCredentials } from '../engine/targets/nova/config.ts';
import { AuthSession } from '../engine/targets/nova/keystone.ts';

describe('AuthSession', () => {
  let nova: NovaReference;
  const http = new HttpClient({ timeoutMs: 5000 });
  const creds = (): OsCredentials => ({
    authType: 'password',
    authUrl: nova.identityUrl,
    username: nova.users.memberA.username,
    password: nova.users.memberA.password,
    projectName: nova.users.memberA.project,
    userDomainName: 'Default',
    projectDomainName: 'Default',
  });
  beforeAll(async () => {
    nova = await startNovaReference({ tokenLifetimeSeconds: 2 });
  });
  afterAll(async () => {
    await http.close();
    await nova.close();
  });

  test('password auth issues a token and finds the compute endpoint in the catalog', async () => {
    const auth = new AuthSession(creds(), http, { interface: 'public', regionName: 'RegionOne' });
    const headers = await auth.headers();
    expect(headers['x-auth-token']).toMatch(/\S{8,}/);
    expect(auth.computeEndpoint).toBe(nova.url);
    expect(auth.projectId).toBe(nova.users.memberA.projectId);
    const client = new NovaClient(http, auth, auth.computeEndpoint ?? '');
    const ex = await client.showServer(nova.serverIds.a[0] ?? '', '2.1');
    expect(ex.response.status).toBe(200);
  });

  test('the token is refreshed before it expires, not on every request', async () => {
    const auth = new AuthSession(creds(), http, { interface: 'public' });
    const first = (await auth.headers())['x-auth-token'];
    await auth.headers();
    expect(auth.issued).toBe(1);
    await new Promise((r) => setTimeout(r, 1200)); // past half of the 2 s lifetime
    const second = (await auth.headers())['x-auth-token'];
    expect(auth.issued).toBe(2);
    expect(second).not.toBe(first);
    const client = new NovaClient(http, auth, nova.url);
    expect((await client.showServer(nova.serverIds.a[0] ?? '', '2.1')).response.status).toBe(200);
  });

  test('concurrent requests share one token request', async () => {
    const auth = new AuthSession(creds(), http, { interface: 'public' });
    await Promise.all(Array.from({ length: 10 }, () => auth.headers()));
    expect(auth.issued).toBe(1);
  });

  test('wrong credentials are an AuthError naming the variables', async () => {
    const auth = new AuthSession({ ...creds(), password: 'nope-nope' }, http, { interface: 'public' });
    const err = await auth.headers().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).variable).toBe('OS_USERNAME');
  });

  test('a region without compute leaves no endpoint', async () => {
    const auth = new AuthSession(creds(), http, { interface: 'public', regionName: 'Elsewhere' });
    await auth.headers();
    expect(auth.computeEndpoint).toBeUndefined();
  });

  test('token and none modes send the given token, or nothing', async () => {
    const token = new AuthSession({ ...creds(), authType: 'token', token: 'given-token-123' }, http, { interface: 'public' });
    expect(await token.headers()).toEqual({ 'x-auth-token': 'given-token-123' });
    const none = new AuthSession({ ...creds(), authType: 'none', token: undefined }, http, { interface: 'public' });
    expect(await none.headers()).toEqual({});
    expect(token.issued + none.issued).toBe(0);
  });
});
