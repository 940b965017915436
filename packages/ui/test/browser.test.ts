/**
 * The page of `weft ui` in a real browser (Debian's chromium, headless),
 * over runs of this process and of other `weft run` processes: the runs
 * table, live and filterable; a live run's graph changing state; a task's
 * logs followed; cancel with its confirmation; the pages for what does not
 * exist; the token; a store a writer holds locked. Screenshots of the main
 * views go to `.cache/screenshots/`.
 */
import { DatabaseSync } from 'node:sqlite';
import { run, submit } from '@weft/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { explode, square, sum } from './fixtures/tasks.ts';
import { launch, newPage, shot } from './harness/browser.ts';
import { ensurePageBuilt } from './harness/page-build.ts';
import { cleanup, openGate, project, stopAll, waitFor, weft } from './harness/project.ts';
import { type Served, serve } from './harness/ui.ts';

let p: { dir: string; store: string };
let ui: Served;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  await ensurePageBuilt();
  p = project();
  const options = { store: p.store, cwd: p.dir };
  await run(async () => submit(sum, ...[1, 2, 3].map((n) => submit(square, n))), {
    ...options,
    runId: 'sums-1',
  });
  await expect(run(async () => submit(explode), { ...options, runId: 'boom-1' })).rejects.toThrow();
  ui = await serve(p.store, { cwd: p.dir });
  browser = await launch();
  ({ page, errors } = await newPage(browser));
}, 120_000);

afterEach(() => {
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
  await ui?.close();
  cleanup();
});

/** The id of the first run of `workflow` the store has, once it has one. */
async function runOf(workflow: string): Promise<string> {
  let id: string | undefined;
  await waitFor(() => {
    id = ui.store.runs({ limit: 100 }).find((r) => r.workflow?.endsWith(workflow))?.id;
    return id !== undefined;
  }, `a run of ${workflow}`);
  return id!;
}

const node = (key: string, state?: string) =>
  page.locator(
    `svg[data-testid=graph] g[data-key="${key}"]${state ? `[data-state="${state}"]` : ''}`,
  );

describe('the page of weft ui', () => {
  it('lists the runs, shows a run another process starts without a reload, and filters', async () => {
    await page.goto(ui.server.url);
    await page.locator('tr[data-run="sums-1"][data-state="succeeded"]').waitFor();
    await page.locator('tr[data-run="boom-1"][data-state="failed"]').waitFor();
    expect(new URL(page.url()).search).toBe(''); // the token left the address bar
    weft(['run', 'live.ts', '-j', '4', '--store', p.store], p.dir);
    const live = await runOf('live.ts');
    await page.locator(`tr[data-run="${live}"][data-state="running"]`).waitFor();
    await shot(page, 'runs');
    await page.getByLabel('filter runs').fill('live');
    await page.locator('tr[data-run="sums-1"]').waitFor({ state: 'detached' });
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('filter runs').fill('');
    await page.getByLabel('state').selectOption('failed');
    await page.locator(`tr[data-run="${live}"]`).waitFor({ state: 'detached' });
    expect(await page.locator('tbody tr').getAttribute('data-run')).toBe('boom-1');
    await page.getByLabel('state').selectOption('');
  }, 60_000);

  it("draws a live run's graph and recolours it as its tasks end", async () => {
    const live = await runOf('live.ts');
    await page.locator(`tr[data-run="${live}"] a`).click();
    await page.locator('svg[data-testid=graph][data-ready=true]').waitFor();
    await node('t0', 'running').waitFor();
    await node('t1', 'running').waitFor();
    await node('t2', 'pending').waitFor();
    openGate(p.dir, 'first');
    await node('t0', 'succeeded').waitFor();
    expect(await node('t2').getAttribute('data-state')).toBe('pending');
    await shot(page, 'run-live');
  }, 60_000);

  it("shows a task's logs and follows them while it runs", async () => {
    const live = await runOf('live.ts');
    await node('t1').click();
    await page.locator('[data-testid=task-page]').waitFor();
    const logs = page.locator('[data-testid=logs]');
    await logs.getByText('waiting for gate second').waitFor();
    expect(await logs.getByText('gate second opened').count()).toBe(0);
    openGate(p.dir, 'second');
    await logs.getByText('gate second opened').waitFor();
    await page.locator('[data-testid=logs][data-ended=true]').waitFor();
    await page.locator('.title-row .badge[data-state=succeeded]').waitFor();
    await page.locator('[data-testid=attempts] tr[data-outcome=succeeded]').waitFor();
    await shot(page, 'task');
    await page.getByRole('link', { name: live }).click();
    await page.locator('.run-header .badge[data-state=succeeded]').waitFor();
    await node('t2', 'succeeded').waitFor();
  }, 60_000);

  it('cancels a running run after asking, and not when the user keeps it', async () => {
    weft(['run', 'showcase.ts', '--keep-going', '-j', '8', '--store', p.store], p.dir);
    const id = await runOf('showcase.ts');
    await page.goto(`${ui.server.origin}/runs/${id}`);
    await page.locator('[data-testid=failures]').getByText('bad row 42').waitFor();
    await page.locator('g[data-name=plot][data-state=running]').first().waitFor();
    await page.locator('g[data-name=report][data-state=upstream_failed]').waitFor();
    await shot(page, 'run');
    await page.getByRole('button', { name: 'Cancel run' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(`Cancel run ${id}?`).waitFor();
    await shot(page, 'cancel-confirm');
    await dialog.getByRole('button', { name: 'Keep' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(ui.store.run(id)?.cancelRequested).toBeUndefined();
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await dialog.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('status').getByText(`asked run ${id} to cancel`).waitFor();
    await page.locator('.run-header .badge[data-state=cancelled]').waitFor();
    expect(ui.store.run(id)?.state).toBe('cancelled');
    await page.locator('g[data-name=plot][data-state=cancelled]').first().waitFor();
  }, 60_000);

  it('says so for a run that is not recorded, and for a page that does not exist', async () => {
    await page.goto(`${ui.server.origin}/runs/no-such-run`);
    await page
      .locator('[data-testid=not-found]')
      .getByText(`no run "no-such-run" is recorded in ${ui.store.location}`)
      .waitFor();
    await shot(page, 'unknown-run');
    await page.goto(`${ui.server.origin}/runs/sums-1/tasks/42`);
    await page.locator('[data-testid=not-found]').getByText('run sums-1 has no task #42').waitFor();
    await page.goto(`${ui.server.origin}/elsewhere/x`);
    await page.locator('[data-testid=not-found]').getByText('/elsewhere/x').waitFor();
  }, 60_000);

  it('asks for the token when it has none, and reads with the one given', async () => {
    const context = await browser.newContext();
    const fresh = await context.newPage();
    try {
      await fresh.goto(`${ui.server.origin}/`);
      await fresh.locator('[data-testid=token-prompt]').waitFor();
      await fresh.getByLabel('token').fill('not-the-token');
      await fresh.getByRole('button', { name: 'Open' }).click();
      await fresh.locator('[data-testid=token-prompt]').waitFor();
      await fresh.getByLabel('token').fill(ui.server.url);
      await fresh.getByRole('button', { name: 'Open' }).click();
      await fresh.locator('tr[data-run="sums-1"]').waitFor();
    } finally {
      await context.close();
    }
  }, 60_000);

  it('reads the store while a writer holds it locked', async () => {
    const writer = new DatabaseSync(p.store);
    writer.exec('BEGIN EXCLUSIVE');
    try {
      await page.goto(`${ui.server.origin}/`);
      await page.locator('tr[data-run="sums-1"]').waitFor();
      await page.goto(`${ui.server.origin}/runs/sums-1`);
      await node('t3', 'succeeded').waitFor();
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
  }, 60_000);
});
