import { useEffect, useState } from 'react';
import type { Participation } from './TaskPage';

export function StudyProgress({ participation }: { participation: Participation }) {
  const total = participation.study.tasks.length;
  if (!participation.consentedAt) return <span className="study-step small">Consent</span>;
  const current = Math.min(participation.currentTask + 1, total);
  const done = participation.currentTask >= total;
  return (
    <span className="study-step small">
      <span>{done ? 'Saving your answers' : `Task ${current} of ${total}`}</span>
      <progress max={total} value={participation.currentTask} aria-label="Tasks done" />
    </span>
  );
}

function formatLeft(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

export function TimeLeft({ deadline }: { deadline: string }) {
  const end = Date.parse(deadline);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (Number.isNaN(end)) return null;
  const left = end - now;
  const urgent = left < 5 * 60_000;
  return (
    <span className={`time-left small${urgent ? ' urgent' : ''}`} data-testid="time-left">
      {left > 0 ? (
        <>
          Time left: <strong>{formatLeft(left)}</strong>
        </>
      ) : (
        <strong>Time is up: please finish now.</strong>
      )}
    </span>
  );
}
