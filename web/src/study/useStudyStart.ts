import { useCallback, useEffect, useState } from 'react';
import { createStudyClient, type StudyClient } from './client';
import { studyError } from './errors';
import {
  CheckParticipationQuery,
  MyParticipationQuery,
  StartParticipationMutation,
  StudyInfoQuery as StudyInfoDocument,
} from './operations';
import { endFor, type Info, type Phase, phaseFor } from './phases';
import { ParticipantStore } from './storage';
import type { Participation } from './TaskPage';

export interface LinkParams {
  participantId: string | null;
  prolificStudyId: string | null;
  sessionId: string | null;
}

export function readParams(): LinkParams {
  const params = new URLSearchParams(window.location.search);
  const get = (name: string) => params.get(name)?.trim() || null;
  return { participantId: get('PROLIFIC_PID'), prolificStudyId: get('STUDY_ID'), sessionId: get('SESSION_ID') };
}

/** Puts an id typed into the form into the address, so that a reload resumes. */
export function rememberParticipantId(id: string) {
  const url = new URL(window.location.href);
  url.searchParams.set('PROLIFIC_PID', id);
  window.history.replaceState(null, '', url);
}

/**
 * Where a participant arriving at /study/<slug> stands: the study, whether they took part already, their
 * participation (resumed with the token kept in this browser, else started), or why they cannot go on.
 */
export function useStudyStart(slug: string) {
  const [study] = useState<StudyClient>(createStudyClient);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [params, setParams] = useState<LinkParams>(readParams);
  const [store, setStore] = useState<ParticipantStore | null>(null);
  const client = study.client;

  const begin = useCallback(
    async (link: LinkParams, signal: { cancelled: boolean }) => {
      const show = (next: Phase) => {
        if (!signal.cancelled) setPhase(next);
      };
      show({ kind: 'loading' });
      let info: Info;
      try {
        const { data } = await client.query({ query: StudyInfoDocument, variables: { slug } });
        if (!data) throw new Error('The server did not answer.');
        info = data.studyInfo;
      } catch (error) {
        const problem = studyError(error);
        show(problem.code === 'NOT_FOUND' ? { kind: 'missing' } : { kind: 'failed', message: problem.message });
        return;
      }
      if (signal.cancelled) return;
      document.title = info.title;
      const pid = link.participantId;
      if (!pid) {
        show(info.askForParticipantId ? { kind: 'ask', info, problem: null } : { kind: 'refused', info });
        return;
      }
      const local = new ParticipantStore(slug, pid);
      const startInput = {
        studySlug: slug,
        participantId: pid,
        prolificStudyId: link.prolificStudyId,
        sessionId: link.sessionId,
        resumeSecret: local.resumeSecret,
      };
      try {
        const { data: check } = await client.query({
          query: CheckParticipationQuery,
          variables: { slug, participantId: pid },
        });
        if (check?.checkParticipation) {
          // Never save again; show the code once more if this is the browser that took part.
          let code: string | null = null;
          let url: string | null = null;
          try {
            const { data } = await client.mutate({
              mutation: StartParticipationMutation,
              variables: { input: startInput },
            });
            code = data?.startParticipation.completionCode ?? null;
            url = data?.startParticipation.completionUrl ?? null;
          } catch {
            // Another browser: the code is a courtesy here.
          }
          show({ kind: 'already', info, code, url });
          return;
        }
        let participation: Participation | null = null;
        if (local.token) {
          study.setToken(local.token);
          try {
            const { data } = await client.query({ query: MyParticipationQuery });
            const mine = data?.myParticipation;
            if (mine && mine.studySlug === slug && mine.participantId === pid) participation = mine;
          } catch {
            // Expired or from another database: start (or resume) again below.
          }
        }
        if (!participation) {
          study.setToken(null);
          const { data } = await client.mutate({
            mutation: StartParticipationMutation,
            variables: { input: startInput },
          });
          participation = data?.startParticipation ?? null;
          if (!participation) throw new Error('The server did not start the study.');
        }
        local.token = participation.token;
        study.setToken(participation.token);
        local.updateTimings((timings) => {
          timings.loadedAt ??= new Date().toISOString();
        });
        if (signal.cancelled) return;
        setStore(local);
        show(phaseFor(info, participation));
      } catch (error) {
        const problem = studyError(error);
        const end = problem.code === 'FORBIDDEN' ? endFor(problem.reason) : null;
        if (end) {
          show({ kind: 'ended', info, why: end });
        } else if (problem.code === 'BAD_USER_INPUT' && problem.field === 'participantId') {
          show(info.askForParticipantId ? { kind: 'ask', info, problem: problem.message } : { kind: 'refused', info });
        } else {
          show({ kind: 'failed', message: problem.message });
        }
      }
    },
    [client, slug, study],
  );

  useEffect(() => {
    const signal = { cancelled: false };
    void begin(params, signal);
    return () => {
      signal.cancelled = true;
    };
  }, [begin, params]);

  return { study, client, phase, setPhase, params, setParams, store };
}
