import type { Participation } from '../generated/prisma/client';
import type { StudyService } from './study.service';
import type { Question } from './study-definition';
import type { QuestionView, StudyView } from './study-view.type';

function questionView(q: Question): QuestionView {
  // Correct answers, and which questions are attention checks, never leave the server.
  const {
    correct: _correct,
    attentionCheck: _check,
    attentionPolicy: _policy,
    ...shown
  } = q as Question & { correct?: unknown };
  return shown as QuestionView;
}

/**
 * The study as one participant sees it: their condition's chat and task order, their question order. Before
 * consent there is no condition, so no task.
 */
export function studyView(studies: StudyService, p: Participation): StudyView {
  const study = studies.study(p.studySlug);
  const condition = p.condition ? studies.conditionOf(p) : null;
  return {
    slug: study.slug,
    title: study.title,
    description: study.description,
    consent: study.consent,
    timeLimitMinutes: study.timeLimitMinutes ?? null,
    tasks: studies.tasksOf(p).map((task) => ({
      id: task.id,
      title: task.title,
      instructions: task.instructions,
      images: task.images,
      chat: task.chat && !!condition?.chat,
      requireChat: task.requireChat && task.chat && !!condition?.chat,
      turnLimit: task.turnLimit,
      questions: studies.questionsOf(p, task).map(questionView),
    })),
  };
}
