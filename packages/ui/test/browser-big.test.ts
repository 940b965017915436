/**
 * A run of 10,000 tasks in the browser: its graph is drawn grouped by task
 * name, a group expands on click into its tasks, the timeline draws every
 * attempt. The
 * times are measured in the page (`performance.now()`: since the page
 * started loading, and since the click), reported on the test's output
 * and in `.cache/screenshots/render-10000.json`, never asserted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '@weft/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import main from './fixtures/wide.ts';
import { launch, newPage, shot } from './harness/browser.ts';
import { ensurePageBuilt } from './harness/page-build.ts';
import { cleanup, project, SHOTS } from './harness/project.ts';
import { type Served, serve } from './harness/ui.ts';

const TASKS = 10_000;
let ui: Served;
let browser: Browser;
let page: Page;
let errors: string[];
const figures: Record<string, number> = {};

beforeAll(async () => {
  await ensurePageBuilt();
  const p = project();
  const t0 = performance.now();
  await run(main, { store: p.store, cwd: p.dir, runId: 'wide-10000' });
  figures.recordRunMs = Math.round(performance.now() - t0);
  ui = await serve(p.store, { cwd: p.dir });
  browser = await launch();
  ({ page, errors } = await newPage(browser));
}, 180_000);

afterAll(async () => {
  writeFileSync(join(SHOTS, 'render-10000.json'), `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`weft ui, a run of ${TASKS} tasks: ${JSON.stringify(figures)}`);
  await browser?.close();
  await ui?.close();
  cleanup();
});

const graph = () => page.locator('svg[data-testid=graph]');
const number = async (attribute: string) => Number(await graph().getAttribute(attribute));

describe('a run of 10,000 tasks', () => {
  it('is drawn grouped by task name, with the counts of each group', async () => {
    expect(ui.store.run('wide-10000')?.counts.succeeded).toBe(TASKS);
    await page.goto(`${ui.server.origin}/runs/wide-10000?token=${ui.server.token}`);
    await page.locator('svg[data-testid=graph][data-ready=true]').waitFor({ timeout: 60_000 });
    figures.pageToGraphMs = await number('data-drawn-at');
    figures.layoutMs = await number('data-layout-ms');
    expect(await graph().getAttribute('data-grouped')).toBe('true');
    const groups = page.locator('g[data-kind=group]');
    expect(await groups.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-name')))).toEqual([
      'load',
      'square',
      'merge',
    ]);
    await page
      .locator('g[data-key="g:square"] text.node-title')
      .getByText('square ×9,800')
      .waitFor();
    await page.getByTestId('graph-summary').getByText('10,000 tasks, grouped by name').waitFor();
    await shot(page, 'graph-10000');
    expect(errors).toEqual([]);
  }, 90_000);

  it('expands a group on click into its tasks, the rest as one node', async () => {
    await page.locator('g[data-key="g:square"]').click();
    await page.locator('svg[data-testid=graph][data-expand-ms]').waitFor({ timeout: 60_000 });
    figures.expandMs = await number('data-expand-ms');
    expect(await page.locator('g[data-kind=task][data-name=square]').count()).toBe(400);
    await page
      .locator('g[data-key="x:square"] text.node-title')
      .getByText('square ×9,800 (400 shown)')
      .waitFor();
    await shot(page, 'graph-10000-expanded');
    await page.locator('g[data-kind=task][data-name=square]').nth(13).click();
    await page.locator('[data-testid=task-page] h1').getByText('square #14').waitFor();
    expect(errors).toEqual([]);
  }, 90_000);

  it('draws its timeline of 10,000 attempts', async () => {
    const t0 = Date.now();
    await page.goto(`${ui.server.origin}/runs/wide-10000?view=timeline`);
    await page
      .getByTestId('timeline')
      .getByText('10,000 attempts on 1 worker')
      .waitFor({ timeout: 60_000 });
    figures.timelineMs = Date.now() - t0;
    await shot(page, 'timeline-10000');
    expect(errors).toEqual([]);
  }, 90_000);
});
