import type { ApolloClient } from '@apollo/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { cancelJob } from '../jobs/actions';
import { followJob, type Job } from '../jobs/follow';
import { isFinished } from '../jobs/merge';
import { newClientId } from '../lib/uuid';
import { applyJob, type ChatItem, isWriting, pendingItem, turnItem } from './chat-items';
import { StudySubmitChatMutation, TaskTurnsQuery } from './operations';
import type { ParticipantStore } from './storage';

/**
 * The model chat of one task: loaded from the task's stored turns (a reload), extended as it goes. Only the
 * new message goes to submitChat; the reply is followed with the job module (subscription, polling as a
 * fallback), and a reply still running at a reload is followed again.
 */
export function useStudyChat(client: ApolloClient, store: ParticipantStore, taskId: string) {
  const [items, setItems] = useState<ChatItem[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const stops = useRef(new Map<string, () => void>());

  const update = useCallback((job: Job) => {
    setItems((list) => list?.map((item) => (item.job?.id === job.id ? applyJob(item, job) : item)) ?? list);
  }, []);

  const follow = useCallback(
    (jobId: string) => {
      if (stops.current.has(jobId)) return;
      const stop = followJob(client, jobId, (job) => {
        update(job);
        if (isFinished(job.state)) {
          stops.current.delete(jobId);
          store.setPendingJob(taskId, null);
        }
      });
      stops.current.set(jobId, stop);
    },
    [client, store, taskId, update],
  );

  useEffect(() => {
    const all = stops.current;
    return () => {
      for (const stop of all.values()) stop();
      all.clear();
    };
  }, []);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const { data } = await client.query({ query: TaskTurnsQuery, variables: { taskId }, fetchPolicy: 'no-cache' });
      const list = (data?.myParticipation.turns ?? []).map(turnItem);
      const pending = store.pendingJob(taskId);
      if (pending && list.at(-1)?.role === 'user') {
        setItems([...list, pendingItem(pending)]);
        follow(pending);
      } else {
        if (pending) store.setPendingJob(taskId, null);
        setItems(list);
      }
    } catch (error) {
      setLoadError(error);
    }
  }, [client, store, taskId, follow]);

  useEffect(() => {
    void load();
  }, [load]);

  /** Sends one message; throws (with the message taken back) when the server refuses it. */
  const send = async (text: string, images: string[]) => {
    const mine: ChatItem = { key: `local:${newClientId()}`, role: 'user', text, images };
    setItems((list) => [...(list ?? []), mine]);
    try {
      const { data } = await client.mutate({
        mutation: StudySubmitChatMutation,
        variables: {
          input: { taskId, messages: [{ role: 'user', content: text, ...(images.length ? { images } : {}) }] },
        },
      });
      const job = data?.submitChat;
      if (!job) throw new Error('The server did not take the message.');
      store.setPendingJob(taskId, job.id);
      setItems((list) => [...(list ?? []), applyJob({ key: `job:${job.id}`, role: 'assistant', text: '' }, job)]);
      if (!isFinished(job.state)) follow(job.id);
    } catch (error) {
      setItems((list) => list?.filter((item) => item !== mine) ?? list);
      throw error;
    }
  };

  const writing = items?.find(isWriting);
  const stop = async () => {
    if (!writing?.job) return;
    const job = await cancelJob(client, writing.job.id);
    if (job) update(job);
  };

  const used = items?.filter((item) => item.role === 'user').length ?? 0;
  return { items, loadError, load, send, stop, writing, used };
}
