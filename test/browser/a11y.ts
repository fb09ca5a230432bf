// axe-core over the page as it is now: every browser test calls this at each page state it visits, and fails on
// any critical or serious finding with a list a person can act on (rule, what is wrong, where).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';
import { expect } from 'vitest';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page (injected once per document) and fails on critical or serious violations. */
export async function expectNoA11yViolations(page: Page, label: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, {
      resultTypes: ['violations'],
    }),
  );
  const found = results.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .flatMap((v) => v.nodes.map((node) => `${v.impact} ${v.id}: ${v.help} at ${node.target.join(' ')}\n    ${node.failureSummary?.replace(/\n/g, '\n    ') ?? ''}`));
  expect(found, `accessibility (axe-core) on ${label} at ${page.viewportSize()?.width ?? '?'} px`).toEqual([]);
}
