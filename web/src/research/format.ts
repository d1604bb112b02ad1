import type { ParticipationStatus } from '../gql/graphql';

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  if (minutes < 60) return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

export const formatTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '–';

export const formatUsd = (usd: number | null | undefined) =>
  usd === null || usd === undefined ? '–' : `$${usd < 1 ? usd.toFixed(6) : usd.toFixed(2)}`;

const LABELS: Record<ParticipationStatus, string> = {
  OPENED: 'opened',
  DECLINED: 'declined',
  STARTED: 'consented',
  COMPLETED: 'completed',
  RETURNED: 'returned',
  TIMED_OUT: 'timed out',
  SCREENED_OUT: 'screened out',
};

/** The status as a researcher reads it: a consented participant is "in task N". */
export function statusLabel(status: ParticipationStatus, currentTask: number, taskCount: number): string {
  if (status === 'STARTED' && taskCount > 0) return `in task ${Math.min(currentTask + 1, taskCount)}`;
  return LABELS[status];
}

export const STATUSES = Object.keys(LABELS) as ParticipationStatus[];
export const STATUS_NAMES = LABELS;

/** Saves text as a file through a Blob link. */
export function saveFile(text: string, filename: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
