import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { screenshotPath } from './helpers';
import { DrivenParticipant, expectAccessible, MODEL_URL, PRICE, workbench } from './research-helpers';

for (const size of ['desktop', 'phone'] as const) {
  test(`a researcher previews the demo study (${size}), sees the preview only when previews are shown, and deletes it`, async ({
    browser,
  }) => {
    const page = await workbench(browser, size, 'demo');
    await page.getByLabel('Preview condition').selectOption('with-ai');
    const [preview] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByRole('button', { name: 'Preview the study' }).click(),
    ]);
    // The preview is already consented: the participant page opens on the first task.
    await expect(preview.getByRole('heading', { name: 'The bat and the ball' })).toBeVisible();
    const previewId = new URL(preview.url()).searchParams.get('PROLIFIC_PID') as string;
    expect(previewId).toMatch(/^preview-/);
    await preview.close();

    const table = page.getByRole('region', { name: 'Participants table' });
    const row = table.locator(`[data-participant="${previewId}"]`);
    await expect(page.getByRole('status').filter({ hasText: /participants|of \d+/i })).toBeVisible();
    await expect(row).toHaveCount(0);
    await page.getByLabel('Show previews').check();
    await expect(row).toBeVisible();
    await expect(row.getByText('preview', { exact: true })).toBeVisible();
    await page.screenshot({ path: screenshotPath(`research-table-${size}`), fullPage: false });
    await expectAccessible(page);

    await row.getByRole('button', { name: `Delete ${previewId}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this preview?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toHaveCount(0);
    await page.context().close();
  });
}

test('a real participant appears and moves through statuses live; transcript, review CSV and cost match', async ({
  browser,
  request,
}) => {
  const page = await workbench(browser, 'desktop', 'workbench-e2e');
  const table = page.getByRole('region', { name: 'Participants table' });
  const p = new DrivenParticipant(request, 'workbench-e2e');
  const status = table.locator(`[data-participant="${p.participantId}"] [data-testid="status"]`);

  await p.open();
  await expect(status).toHaveText('opened');
  await p.consent();
  await expect(status).toHaveText('in task 1');
  const reply = await p.chat('puzzle', 'Is it five?');
  await expect(table.locator(`[data-participant="${p.participantId}"]`).getByRole('cell').nth(8)).toHaveText('2');
  await p.answer('puzzle', { answer: 'five', attention: 'Red' });
  await p.finish();
  await expect(status).toHaveText('completed');

  // The transcript shows the turns exactly as the fake model server received them.
  await table.getByRole('button', { name: p.participantId, exact: true }).click();
  const transcript = page.getByRole('region', { name: `Transcript of ${p.participantId}` });
  const turns = transcript.getByTestId('transcript-turn');
  await expect(turns).toHaveCount(2);
  const received = (await (await request.get(`${MODEL_URL}/requests`)).json()) as {
    messages: { role: string; content: unknown }[];
  }[];
  const call = received.find((r) => JSON.stringify(r.messages).includes('Is it five?'));
  expect(call?.messages.map((m) => m.role)).toEqual(['system', 'user']);
  const text = (content: unknown) =>
    typeof content === 'string' ? content : (content as { text?: string }[]).map((c) => c.text ?? '').join('');
  await expect(turns.nth(0).locator('.turn-text')).toHaveText(text(call?.messages[1]?.content));
  await turns.nth(0).getByText('System prompt sent with this message').click();
  await expect(turns.nth(0).locator('pre')).toHaveText(text(call?.messages[0]?.content));
  await expect(turns.nth(1).locator('.turn-text')).toHaveText(reply.text);
  await expect(turns.nth(1)).toContainText(`${reply.usage.prompt_tokens} + ${reply.usage.completion_tokens} tokens`);
  await expect(transcript.getByText('Failed attention check attention: answered Red')).toBeVisible();
  await transcript.screenshot({ path: screenshotPath('research-transcript-desktop') });

  // The Prolific review list.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Prolific review CSV' }).click(),
  ]);
  const csv = await readFile((await download.path()) as string, 'utf8');
  expect(csv).toContain('participant_id,status,decision,reason');
  expect(csv).toContain(`${p.participantId},COMPLETED,REJECT,failed attention checks (1)`);

  // The study's cost: the fake server's reported usage times the configured price.
  const cost = (reply.usage.prompt_tokens * PRICE.input + reply.usage.completion_tokens * PRICE.output) / 1e6;
  await expect(page.getByTestId('study-cost')).toContainText(`$${cost.toFixed(6)} for 1 model calls`);

  const charts = page.getByRole('region', { name: 'Charts' });
  await expect(charts.getByTestId('chart-arrivals').locator('svg').first()).toBeVisible();
  await charts.getByText('Numbers of “Scores of completed participants”').click();
  await expect(charts.getByTestId('chart-scores').getByRole('table')).toContainText('assisted');
  await charts.screenshot({ path: screenshotPath('research-charts-desktop') });
  await expectAccessible(page);
  await page.context().close();

  // The same at phone size: the table scrolls inside its region, nothing is cut off.
  const phone = await workbench(browser, 'phone', 'workbench-e2e');
  const region = phone.getByRole('region', { name: 'Participants table' });
  await expect(region.locator(`[data-participant="${p.participantId}"]`)).toBeVisible();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await phone.screenshot({ path: screenshotPath('research-table-phone-live') });
  await region.getByRole('button', { name: p.participantId, exact: true }).click();
  await phone
    .getByRole('region', { name: `Transcript of ${p.participantId}` })
    .screenshot({ path: screenshotPath('research-transcript-phone') });
  await phone.getByRole('region', { name: 'Charts' }).screenshot({ path: screenshotPath('research-charts-phone') });
  await expectAccessible(phone);
  await phone.context().close();
});
