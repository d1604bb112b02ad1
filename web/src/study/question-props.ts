import type { Question } from './answers';

export interface FieldProps {
  question: Question;
  value: unknown;
  error: string | null;
  onChange(value: unknown): void;
}

/** What the inputs of a question add: their ids, for labels and descriptions. */
export interface InputProps extends FieldProps {
  inputId: string;
  hintId: string;
  describedBy: string | undefined;
}
