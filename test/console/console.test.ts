/**
 * The operators' console in a real headless Chromium against a real
 * `tessera serve` over a socket, as an operator uses it: sign in, create a
 * tenant, a client (secret shown once), a user, lock and unlock it, rotate a
 * key, introspect and verify a token, download an export, read the audit
 * entries these made, sign out. Every page visited passes axe-core with no
 * serious or critical violation, and raises no CSP violation or script error.
 *
 * A failed step leaves a screenshot in test-artifacts/console/. With
 * TESSERA_CONSOLE_SCREENSHOT=1 (or when docs/console.png is missing) the run
 * refreshes the README's screenshot, docs/console.png.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { buildConsole } from '../../console/build.ts';
import { runCli } from '../helpers/cli.ts';
import { startServe, type TesseraProcess } from '../helpers/spawn-tessera.ts';
import { axeViolations, launchBrowser, screenshot, type Browser } from './browser.ts';

const DOCS_SCREENSHOT = fileURLToPath(new URL('../../docs/console.png', import.meta.url));

describe('web console in Chromium', () => {
  let dir: string;
  let server: TesseraProcess & { url: string };
  let browser: Browser;
  let page: Page;
  let adminSecret: string;
  let billingSecret = '';
  let opsSecret = '';
  let lastBearer: string | undefined;
  const problems: string[] = [];
  const checked = new Set<string>();

  before(async () => {
    await buildConsole();
    dir = mkdtempSync(join(tmpdir(), 'tessera-console-'));
    const db = join(dir, 'tessera.db');
    const init = await runCli(['init', '--db', db]);
    assert.equal(init.code, 0, init.stderr);
    adminSecret = (JSON.parse(init.stdout) as { clientSecret: string }).clientSecret;
    // Activity counts reach the store within a fifth of a second, so the Activity page reads them at once.
    server = await startServe(['--db', db, '--activity-flush-ms', '200']);
    browser = await launchBrowser();
    page = browser.page;
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      const authorization = request.headers().authorization;
      if (authorization?.startsWith('Bearer ')) lastBearer = authorization.slice(7);
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let failed: string | undefined;

  /** A step of the walk-through; when it fails, the page is kept as a screenshot and later steps are skipped. */
  const step = (name: string, body: () => Promise<void>) =>
    it(name, async (t) => {
      if (failed !== undefined) return t.skip(`it needs the step that failed: ${failed}`);
      try {
        await body();
        assert.deepEqual(problems, [], 'no CSP violation or script error');
      } catch (error) {
        failed = name;
        const path = await screenshot(page, `failed-${name}`).catch(() => undefined);
        if (error instanceof Error && path !== undefined) error.message += `\n  screenshot: ${path}`;
        throw error;
      }
    });

  /** Checks the page once per distinct title with axe-core. */
  const accessible = async () => {
    const title = await page.title();
    if (checked.has(title)) return;
    checked.add(title);
    assert.deepEqual(await axeViolations(page), [], `axe-core on "${title}"`);
  };

  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const section = (name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true });
  const form = (name: string) => page.getByRole('form', { name });
  const toTenant = async (tenant: string) => page.getByLabel('Tenant', { exact: true }).selectOption(tenant);

  step('serves the console with a strict Content-Security-Policy and no inline script', async () => {
    const response = await fetch(`${server.url}/console`);
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /connect-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    const html = await response.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length > 0);
    for (const [, attributes, body] of scripts) {
      assert.match(attributes!, /\bsrc="\/console\/assets\/app-[A-Z0-9]+\.js"/);
      assert.equal(body!.trim(), '');
    }
    assert.doesNotMatch(html, /\bstyle=|<style|https?:\/\//);
    const js = await fetch(`${server.url}${/src="([^"]+)"/.exec(html)![1]}`);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(`${server.url}/console/assets/nothing.js`)).status, 404);
  });

  step('refuses a wrong secret with the token endpoint’s own error', async () => {
    await page.goto(`${server.url}/console`);
    await heading('Tessera console').waitFor();
    await accessible();
    await page.getByLabel('Client id').fill('admin');
    await page.getByLabel('Client secret').fill('tcs_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'invalid_client' }).waitFor();
  });

  step('signs in with the keyboard alone and shows that the token administers every tenant', async () => {
    await page.goto(`${server.url}/console`);
    await heading('Tessera console').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'sign-in-client');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(adminSecret);
    await page.keyboard.press('Enter');
    await heading('Tenants').waitFor();
    assert.equal(await page.getByTestId('administers').textContent(), 'every tenant');
    await page.getByRole('table').getByRole('link', { name: 'default' }).waitFor();
    await accessible();
  });

  step('creates a tenant, checking the form against the API’s schema first', async () => {
    const create = form('Create a tenant');
    await create.getByRole('textbox', { name: 'Id', exact: true }).fill('acme');
    // The issuer follows the id: every endpoint of a tenant is also served under /t/<tenant>.
    assert.equal(await create.getByLabel('Issuer').inputValue(), `${new URL(page.url()).origin}/t/acme`);
    await create.getByLabel('Access token lifetime (seconds)').fill('0');
    await create.getByRole('button', { name: 'Create tenant' }).click();
    // The schema's minimum (1) stops the request before it is sent.
    await create.getByText('must be 1 or more').waitFor();
    assert.equal(await create.getByLabel('Access token lifetime (seconds)').getAttribute('aria-invalid'), 'true');
    await create.getByLabel('Access token lifetime (seconds)').fill('1800');
    await create.getByRole('button', { name: 'Create tenant' }).click();
    await heading('Tenant acme: settings').waitFor();
    await accessible();
  });

  step('changes the tenant’s login policy', async () => {
    const settings = form('Tenant settings');
    assert.equal(await settings.getByLabel('Access token lifetime (seconds)').inputValue(), '1800');
    await settings.getByLabel('Lockout: failures before a lock').fill('3');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
  });

  step('creates a client whose generated secret is shown once, with a copy button', async () => {
    await section('Clients').click();
    await heading('Tenant acme: clients').waitFor();
    const create = form('Create a client');
    // The server's own check (no ':' in a client id) comes back as a problem naming the field.
    await create.getByLabel('Client id').fill('bad:id');
    await create.getByRole('button', { name: 'Create client' }).click();
    await create.getByText("id: must be 1-255 visible ASCII characters without ':'").waitFor();
    assert.equal(await create.getByLabel('Client id').getAttribute('aria-invalid'), 'true');
    await create.getByLabel('Client id').fill('billing');
    await create.getByRole('group', { name: 'Grant types' }).getByLabel('password').check();
    await create.getByLabel('Scopes').fill('invoices:read');
    await create.getByLabel('Accounts').fill('20000, 20001');
    await create.getByLabel('Token format').selectOption('jwt');
    await create.getByRole('button', { name: 'Create client' }).click();
    await page.getByRole('heading', { name: 'Secret of client billing' }).waitFor();
    billingSecret = (await page.locator('#secret-value').textContent()) ?? '';
    assert.match(billingSecret, /^tcs_/);
    await accessible();
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), billingSecret);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await heading('Client billing').waitFor();
    await page.getByRole('form', { name: 'Client settings' }).waitFor();
    assert.ok(!(await page.content()).includes(billingSecret), 'the secret is not shown again');
    await accessible();
  });

  step('lists clients with seed 000’s account filter', async () => {
    await section('Clients').click();
    const filters = form('List options');
    await filters.getByLabel('Accounts').fill('20001');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('table').getByRole('link', { name: 'billing' }).waitFor();
    await filters.getByLabel('Accounts').fill('99999');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No client acts for 99999.').waitFor();
  });

  step('creates a user with phone numbers and accounts', async () => {
    await section('Users').click();
    await heading('Tenant acme: users').waitFor();
    const create = form('Create a user');
    await create.getByLabel('Username').fill('alice');
    await create.getByLabel('Password').fill('correct horse battery staple');
    await create.getByLabel('Phone numbers').fill('+61 2 8000 1234, +61 400 000 000');
    await create.getByLabel('Accounts').fill('20000');
    await create.getByRole('button', { name: 'Create user' }).click();
    await heading('User alice').waitFor();
    await page.getByTestId('lock-state').filter({ hasText: 'Not locked' }).waitFor();
    assert.equal(await form('User settings').getByLabel('Phone numbers').inputValue(), '+61 2 8000 1234, +61 400 000 000');
    await accessible();
  });

  step('shows the lock that wrong passwords at the token endpoint cause, and unlocks the user', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${server.url}/t/acme/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`billing:${billingSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&username=alice&password=wrong',
      });
      assert.equal(response.status, 400);
    }
    await page.getByRole('button', { name: 'Refresh lock state' }).click();
    await page.getByTestId('lock-state').filter({ hasText: 'Locked until' }).waitFor();
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('status').filter({ hasText: 'alice unlocked' }).waitFor();
    await page.getByTestId('lock-state').filter({ hasText: 'Not locked' }).waitFor();
  });

  step('rotates a signing key and revokes one', async () => {
    await section('Keys').click();
    await heading('Tenant acme: signing keys').waitFor();
    const rows = page.getByRole('table').getByRole('row');
    await rows.nth(1).waitFor();
    const before = await rows.count();
    await form('Rotate the signing key').getByRole('button', { name: 'Rotate key' }).click();
    await page.getByRole('status').filter({ hasText: /New key .+ published/ }).waitFor();
    await page.getByRole('table').getByText('pending').waitFor();
    assert.equal(await rows.count(), before + 1);
    await page.getByRole('button', { name: /^Revoke / }).first().click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('status').filter({ hasText: /Key .+ revoked/ }).waitFor();
    await page.waitForFunction((count) => document.querySelectorAll('table tbody tr').length === count, before - 1);
    await accessible();
  });

  step('gets, introspects, verifies and revokes a token with the token tools', async () => {
    await section('Token tools').click();
    await heading('Tenant acme: token tools').waitFor();
    await page.getByLabel('Client id').fill('billing');
    await page.getByLabel('Client secret').fill(billingSecret);
    await page.getByRole('button', { name: 'Get a token (client credentials)' }).click();
    await page.getByTestId('tool-result').filter({ hasText: '"token_type": "Bearer"' }).waitFor();
    assert.match(await page.getByLabel('Token', { exact: true }).inputValue(), /^eyJ/);
    await page.getByRole('button', { name: 'Introspect' }).click();
    await page.getByTestId('tool-result').filter({ hasText: '"active": true' }).waitFor();
    assert.match((await page.getByTestId('tool-result').textContent())!, /"client_id": "billing"/);
    await page.getByRole('button', { name: 'Decode and verify JWT' }).click();
    await page.getByTestId('jwt-verdict').filter({ hasText: /^Valid: signed by key / }).waitFor();
    await accessible();
    await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Revoked' }).waitFor();
    await page.getByRole('button', { name: 'Introspect' }).click();
    await page.getByTestId('tool-result').filter({ hasText: '"active": false' }).waitFor();
  });

  step('adds an access number and downloads the users export as CSV', async () => {
    await section('Access numbers & exports').click();
    await heading('Tenant acme: access numbers and exports').waitFor();
    const add = form('Add an access number');
    await add.getByLabel('Number').fill('+61280001234');
    await add.getByLabel('Label').fill('Sydney');
    await add.getByRole('button', { name: 'Add number' }).click();
    await page.getByRole('table').getByRole('rowheader', { name: '+61280001234' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export users (CSV)' }).click()]);
    assert.equal(download.suggestedFilename(), 'acme-users.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.match(csv, /^id,username,role,phoneNumbers,accounts,enabled\r?\n/);
    assert.match(csv, /,alice,User,\+61 2 8000 1234 \+61 400 000 000,20000,true/);
    await accessible();
  });

  step('reads the audit entries those changes made, and filters them', async () => {
    await section('Audit log').click();
    await heading('Tenant acme: audit log').waitFor();
    const actions = async () => (await page.getByRole('table').locator('tbody th').allTextContents());
    await page.getByRole('table').locator('tbody tr').first().waitFor();
    const all = await actions();
    for (const action of ['tenant.create', 'tenant.update', 'client.create', 'user.create', 'user.unlock', 'key.rotate', 'key.revoke', 'access-number.create']) {
      assert.ok(all.includes(action), `${action} in ${all.join(', ')}`);
    }
    assert.match((await page.getByRole('table').textContent())!, /client:default\/admin/);
    if (process.env.TESSERA_CONSOLE_SCREENSHOT === '1' || !existsSync(DOCS_SCREENSHOT)) {
      mkdirSync(join(DOCS_SCREENSHOT, '..'), { recursive: true });
      await page.screenshot({ path: DOCS_SCREENSHOT });
    }
    await accessible();
    await form('Audit filters').getByLabel('Action').fill('user.*');
    await form('Audit filters').getByRole('button', { name: 'Filter' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('table tbody th')].every((th) => th.textContent?.startsWith('user.')));
    // The changes, and the reads of users' data the console made (the list, a user's page, the export), audited as such.
    const userActions = [...new Set(await actions())].sort();
    for (const action of ['user.create', 'user.export', 'user.list', 'user.unlock']) assert.ok(userActions.includes(action), `${action} in ${userActions.join(', ')}`);
    assert.deepEqual(userActions.filter((a) => !['user.create', 'user.unlock', 'user.list', 'user.read', 'user.export'].includes(a)), []);
  });

  step('draws the tenant’s activity as the server counted it: the token issued and the wrong passwords', async () => {
    await section('Activity').click();
    await heading('Tenant acme: activity').waitFor();
    await page.getByLabel('Window').selectOption('15');
    // In acme: one client-credentials token from the token tools, three refused password logins (two wrong, one locked).
    await page.getByText(/^Tokens issued per minute, by grant type: 1 tokens in 15 minutes, at most 1 in one minute\.$/).waitFor();
    await page.getByText(/^Error answers per minute, by error code: 3 errors in 15 minutes, at most [1-3] in one minute\.$/).waitFor();
    await page.getByRole('listitem').filter({ hasText: 'client_credentials' }).first().waitFor();
    await page.getByRole('listitem').filter({ hasText: 'invalid_grant' }).first().waitFor();
    await page.getByLabel('Tokens by').selectOption('clientId');
    await page.getByRole('listitem').filter({ hasText: 'billing' }).first().waitFor();
    await accessible();
  });

  step('is usable at a phone’s width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const name of ['Users', 'Clients', 'Audit log']) {
      await section(name).click();
      await page.getByRole('heading', { level: 1 }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow}px`);
    }
    checked.clear();
    await accessible();
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  step('creates a tenant administrator in the default tenant', async () => {
    await toTenant('default');
    await section('Clients').click();
    await heading('Tenant default: clients').waitFor();
    const create = form('Create a client');
    await create.getByLabel('Client id').fill('acme-ops');
    await create.getByLabel('Scopes').fill('admin:acme');
    await create.getByRole('button', { name: 'Create client' }).click();
    opsSecret = (await page.locator('#secret-value').textContent()) ?? '';
    assert.match(opsSecret, /^tcs_/);
  });

  step('signs out, revoking its token', async () => {
    const token = lastBearer;
    assert.ok(token !== undefined);
    assert.equal((await fetch(`${server.url}/admin/v1/tenants`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    const [revocation] = await Promise.all([
      page.waitForResponse((response) => new URL(response.url()).pathname === '/oauth/revoke'),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    assert.equal(revocation.status(), 200);
    await heading('Tessera console').waitFor();
    assert.equal((await fetch(`${server.url}/admin/v1/tenants`, { headers: { authorization: `Bearer ${token}` } })).status, 401);
  });

  step('shows a tenant administrator only its tenant, and ends the session when the token expires', async () => {
    // The page's clock is the test's to move, so the expiry needs no waiting.
    await page.clock.install();
    await page.reload();
    await heading('Tessera console').waitFor();
    await page.getByLabel('Client id').fill('acme-ops');
    await page.getByLabel('Client secret').fill(opsSecret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Tenant acme: settings').waitFor();
    assert.equal(await page.getByTestId('administers').textContent(), 'acme');
    assert.deepEqual(await page.getByLabel('Tenant', { exact: true }).locator('option').allTextContents(), ['All tenants', 'acme']);
    await page.clock.fastForward('01:00:01');
    await page.getByRole('status').filter({ hasText: 'the access token expired' }).waitFor();
    await heading('Tessera console').waitFor();
  });
});
