/** Three pulsing dots: someone (a person or a bot) is writing. */
export function TypingDots({ label }: { label: string }) {
  return (
    <span className="typing" role="status" aria-label={label}>
      <span />
      <span />
      <span />
    </span>
  );
}
