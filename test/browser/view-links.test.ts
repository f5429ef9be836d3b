/**
 * Links in the page (issue 11, point 5): impossible dates in a link (hour 25, month 99, 30
 * February) fall back to the defaults with a notice before any query runs, so no view fails;
 * and the share bar never shows a link made for an earlier view: once the view changes, the
 * link and its message go, and the next Copy link gives the view in force.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, openPage } from './browser.ts';
import { T, control, loadSample, showView } from './helpers.ts';

const share = (page: Page) => page.getByRole('group', { name: 'Share' });
const linkBox = (page: Page) => page.getByLabel('Link to share');
const status = (page: Page) => share(page).getByRole('status').first();

/** Click a share button and read the link it shows (confirming a warning if one is asked). */
async function makeLink(page: Page, button: 'Copy link' | 'Snapshot link'): Promise<string> {
  await share(page).getByRole('button', { name: button, exact: true }).click();
  const anyway = share(page).getByRole('button', { name: /anyway$/ });
  await expect
    .poll(async () => (await linkBox(page).count()) + (await anyway.count()), T)
    .toBeGreaterThan(0);
  if ((await linkBox(page).count()) === 0) await anyway.click();
  await linkBox(page).waitFor(T);
  return linkBox(page).inputValue();
}

/** The share bar shows no link and no message. */
async function expectCleared(page: Page, after: string): Promise<void> {
  await expect.poll(() => linkBox(page).count(), { message: `link after ${after}` }).toBe(0);
  expect((await status(page).textContent())?.trim(), `message after ${after}`).toBe('');
}

describe('links and the share bar', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('falls back from impossible dates in a link with notices, and every view computes', async () => {
    const search =
      'view=waves&surge=2025-01-13T25:00&from=2025-02-30&bf=2025-99-01&mt=2025-13-01&c=2025-01-32&n=2025-01-19T24:00~x';
    const { page, errors } = await openPage(browser, `${inject('baseUrl')}?${search}`);
    const notices = page.locator('.notice');
    for (const p of ['surge', 'from', 'bf', 'mt', 'c', 'n'])
      await expect(notices.filter({ hasText: `"${p}"` }).count(), p).resolves.toBe(1);
    await loadSample(page);
    // The link written once the data is in holds the defaults, not the impossible dates.
    const params = new URL(page.url()).searchParams;
    for (const p of ['surge', 'from', 'bf', 'mt', 'c', 'n']) expect(params.has(p), p).toBe(false);
    for (const view of ['Waves', 'Content mix', 'Retention'] as const) {
      await showView(page, view);
      expect(
        await page
          .getByRole('alert')
          .filter({ hasText: /Could not|Error/ })
          .count(),
      ).toBe(0);
    }
    await showView(page, 'Waves');
    expect(await control(page, 'Surge start').inputValue()).toBe('');
    expect(errors).toEqual([]);
  });

  it('clears the link after the view changes and gives the new view on the next copy', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await loadSample(page);
    await showView(page, 'Waves');
    const waves = await makeLink(page, 'Copy link');
    expect(new URL(waves).searchParams.get('view')).toBe('waves');
    expect((await status(page).textContent())?.trim()).not.toBe('');

    await showView(page, 'Content mix');
    await expectCleared(page, 'changing tab');
    const mix = await makeLink(page, 'Copy link');
    expect(new URL(mix).searchParams.get('view')).toBe('mix');

    // A control inside the view changes the view state too.
    await control(page, 'Granularity').selectOption('week');
    await expectCleared(page, 'changing the granularity');
    const week = await makeLink(page, 'Copy link');
    expect(new URL(week).searchParams.get('g')).toBe('week');

    // A snapshot link goes the same way, and back/forward too.
    const snapshot = await makeLink(page, 'Snapshot link');
    expect(snapshot).toContain('#snapshot=');
    await page.goBack();
    await expectCleared(page, 'going back');
    expect(errors).toEqual([]);
  });
});
