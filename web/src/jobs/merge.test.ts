import { describe, expect, it } from 'vitest';
import { isFinished, type JobView, needsBubble, newerJob } from './merge';

const job = (over: Partial<JobView> = {}): JobView => ({
  id: 'j1',
  state: 'ACTIVE',
  text: '',
  attempts: 1,
  replyMessageId: null,
  error: null,
  ...over,
});

describe('newerJob', () => {
  it('takes the incoming copy when nothing is known or it is another job', () => {
    const incoming = job({ text: 'a' });
    expect(newerJob(null, incoming)).toBe(incoming);
    expect(newerJob(job({ id: 'other', text: 'long text' }), incoming)).toBe(incoming);
  });

  it('never goes back from finished to running', () => {
    const done = job({ state: 'COMPLETED', text: 'all of it' });
    expect(newerJob(done, job({ state: 'ACTIVE', text: 'all' }))).toBe(done);
    expect(newerJob(job({ state: 'ACTIVE', text: 'all' }), done)).toBe(done);
  });

  it('keeps the longer streamed text within one attempt', () => {
    const longer = job({ text: 'Hello there' });
    expect(newerJob(longer, job({ text: 'Hello' }))).toBe(longer);
    const next = job({ text: 'Hello there, friend' });
    expect(newerJob(longer, next)).toBe(next);
  });

  it('prefers a later attempt even with a shorter text', () => {
    const retry = job({ attempts: 2, state: 'QUEUED', text: '' });
    expect(newerJob(job({ attempts: 1, text: 'partial' }), retry)).toBe(retry);
    expect(newerJob(retry, job({ attempts: 1, text: 'partial' }))).toBe(retry);
  });

  it('a waiting job after an error ranks above the streaming attempt before it', () => {
    const waiting = job({ state: 'QUEUED', error: { code: 'MODEL_ERROR', message: 'x' } });
    expect(newerJob(job({ state: 'ACTIVE', text: 'abc' }), waiting)).toBe(waiting);
  });

  it('a cancel keeps the text that streamed in beyond what was saved, and the reply id known', () => {
    const known = job({ state: 'CANCELED', text: 'Hello wor', replyMessageId: 'm1' });
    const merged = newerJob(known, job({ state: 'CANCELED', text: 'Hello' }));
    expect(merged.text).toBe('Hello wor');
    expect(merged.replyMessageId).toBe('m1');
  });

  it('a cancel whose saved text differs is taken as saved', () => {
    const merged = newerJob(job({ state: 'CANCELED', text: 'other words' }), job({ state: 'CANCELED', text: 'Hi' }));
    expect(merged.text).toBe('Hi');
  });
});

describe('needsBubble', () => {
  it('hides once the reply is in the list', () => {
    expect(needsBubble(job(), true, true)).toBe(false);
  });
  it('shows running jobs, and failed or empty stopped ones only as the last message', () => {
    expect(needsBubble(job({ state: 'QUEUED' }), false, false)).toBe(true);
    expect(needsBubble(job({ state: 'FAILED' }), false, false)).toBe(false);
    expect(needsBubble(job({ state: 'FAILED' }), true, false)).toBe(true);
    expect(needsBubble(job({ state: 'CANCELED', text: ' ' }), false, false)).toBe(false);
    expect(needsBubble(job({ state: 'CANCELED', text: ' ' }), true, false)).toBe(true);
    expect(needsBubble(job({ state: 'COMPLETED', text: 'x' }), false, false)).toBe(true);
  });
  it('knows the finished states', () => {
    expect(['COMPLETED', 'FAILED', 'CANCELED'].every((s) => isFinished(s as JobView['state']))).toBe(true);
    expect(isFinished('ACTIVE')).toBe(false);
    expect(isFinished(undefined)).toBe(false);
  });
});
