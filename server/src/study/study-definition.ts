import { z } from 'zod';

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, _ and - only');

/** What a failed attention check does: block going on, only record it, or end the participation. */
export const attentionPolicy = z.enum(['block', 'record', 'end']);

const base = {
  id,
  text: z.string().min(1),
  required: z.boolean().default(true),
  /** Answered other than `correct` says, it is recorded, and the policy applies. Never shown to participants. */
  attentionCheck: z.boolean().default(false),
  /** Overrides the study's attentionPolicy for this question. */
  attentionPolicy: attentionPolicy.optional(),
};

const question = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('short_text'),
    correct: z.string().optional(),
    maxLength: z.number().int().positive().default(500),
  }),
  z.object({ ...base, type: z.literal('long_text'), maxLength: z.number().int().positive().default(10_000) }),
  z.object({
    ...base,
    type: z.literal('number'),
    min: z.number().optional(),
    max: z.number().optional(),
    correct: z.number().optional(),
  }),
  z.object({
    ...base,
    type: z.literal('likert'),
    points: z.number().int().min(2).max(11).default(7),
    minLabel: z.string().default(''),
    maxLabel: z.string().default(''),
    correct: z.number().int().optional(),
  }),
  z.object({
    ...base,
    type: z.literal('slider'),
    min: z.number().default(0),
    max: z.number().default(100),
    step: z.number().positive().default(1),
    minLabel: z.string().default(''),
    maxLabel: z.string().default(''),
  }),
  z.object({
    ...base,
    type: z.literal('single_choice'),
    options: z.array(z.string().min(1)).min(2),
    correct: z.string().optional(),
  }),
  z.object({
    ...base,
    type: z.literal('multiple_choice'),
    options: z.array(z.string().min(1)).min(2),
    correct: z.array(z.string()).optional(),
  }),
]);

const task = z.object({
  id,
  title: z.string().min(1),
  instructions: z.string().default(''),
  images: z.array(z.string().min(1)).default([]),
  /** Whether the model chat is offered in this task (if the condition has it at all). */
  chat: z.boolean().default(false),
  /** The participant must send at least one message before going on. */
  requireChat: z.boolean().default(false),
  turnLimit: z.number().int().positive().default(20),
  randomizeQuestions: z.boolean().default(false),
  questions: z.array(question).default([]),
});

const condition = z.object({
  name: id,
  weight: z.number().positive().default(1),
  chat: z.boolean().default(true),
  systemPrompt: z.string().default(''),
  model: z.string().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  taskOrder: z.array(id).optional(),
});

export const studySchema = z
  .object({
    slug: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and - only'),
    title: z.string().min(1),
    description: z.string().default(''),
    consent: z.string().min(1),
    /** Without a PROLIFIC_PID in the link: ask for the id, or refuse. */
    askForParticipantId: z.boolean().default(true),
    /** From consent; may be fractional. Past it (plus graceMinutes) answers and the final save are refused. */
    timeLimitMinutes: z.number().positive().optional(),
    graceMinutes: z.number().min(0).default(2),
    completionCode: z.string().min(1).optional(),
    completionUrl: z.string().url().optional(),
    /** The study's STUDY_ID on Prolific: when set, a link must carry it. */
    prolificStudyId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, _ and - only')
      .optional(),
    /** Participant ids must match this (default: a Prolific id, 24 hexadecimal digits). */
    participantIdPattern: z
      .string()
      .default('^[0-9a-f]{24}$')
      .refine((source) => {
        try {
          new RegExp(source);
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression'),
    /** Places: participants who consented and have not returned, timed out or been screened out. */
    maxParticipants: z.number().int().positive().optional(),
    /** Whether a participant may resume from another browser (without its resume secret). */
    allowResumeOnOtherDevice: z.boolean().default(false),
    /** What a failed attention check does, unless the question says otherwise. */
    attentionPolicy: attentionPolicy.default('block'),
    /** For the `end` policy: the Prolific code (and URL) of a participant screened out by a check. */
    screenOutCode: z.string().min(1).optional(),
    screenOutUrl: z.string().url().optional(),
    conditions: z.array(condition).min(1),
    tasks: z.array(task).min(1),
    /** Total tokens (prompt + completion) the study's model calls may use; without it, no limit. */
    tokenBudget: z.number().int().positive().optional(),
    /** Usernames of the researchers who may see this study; without it, every RESEARCHER account may. */
    researchers: z.array(z.string().min(1).max(64)).min(1).optional(),
    /** The Prolific review export's bonus column: amount per score point of a completed participant, capped. */
    bonus: z
      .object({
        perScorePoint: z.number().positive(),
        max: z.number().positive().optional(),
      })
      .optional(),
  })
  .superRefine((study, ctx) => {
    const taskIds = new Set<string>();
    const questionIds = new Set<string>();
    study.tasks.forEach((t, i) => {
      if (taskIds.has(t.id))
        ctx.addIssue({ code: 'custom', path: ['tasks', i, 'id'], message: `duplicate task id ${t.id}` });
      taskIds.add(t.id);
      t.questions.forEach((q, j) => {
        if (questionIds.has(q.id))
          ctx.addIssue({
            code: 'custom',
            path: ['tasks', i, 'questions', j, 'id'],
            message: `duplicate question id ${q.id}`,
          });
        questionIds.add(q.id);
        if ('options' in q && 'correct' in q && q.correct !== undefined) {
          const wanted = Array.isArray(q.correct) ? q.correct : [q.correct];
          if (wanted.some((c) => !q.options.includes(c))) {
            ctx.addIssue({
              code: 'custom',
              path: ['tasks', i, 'questions', j, 'correct'],
              message: 'must be among the options',
            });
          }
        }
        if (q.attentionCheck && !('correct' in q && q.correct !== undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: ['tasks', i, 'questions', j, 'correct'],
            message: 'an attention check needs a correct answer',
          });
        }
      });
    });
    study.conditions.forEach((c, i) => {
      for (const taskId of c.taskOrder ?? []) {
        if (!taskIds.has(taskId))
          ctx.addIssue({ code: 'custom', path: ['conditions', i, 'taskOrder'], message: `unknown task ${taskId}` });
      }
    });
    const ends =
      study.attentionPolicy === 'end' ||
      study.tasks.some((t) => t.questions.some((q) => q.attentionCheck && q.attentionPolicy === 'end'));
    if (ends && !study.screenOutCode) {
      ctx.addIssue({ code: 'custom', path: ['screenOutCode'], message: 'required by the attention policy end' });
    }
    if (new Set(study.conditions.map((c) => c.name)).size !== study.conditions.length) {
      ctx.addIssue({ code: 'custom', path: ['conditions'], message: 'condition names must be unique' });
    }
  });

export type Study = z.infer<typeof studySchema>;
export type StudyTask = Study['tasks'][number];
export type Question = StudyTask['questions'][number];
export type Condition = Study['conditions'][number];
export type AttentionPolicy = z.infer<typeof attentionPolicy>;
