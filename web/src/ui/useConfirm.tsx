import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';

interface Question {
  title: string;
  body: string;
  confirmLabel: string;
  cancelLabel: string;
}

/**
 * An accessible in-page confirmation (a modal <dialog>: focus moves in and back, Escape cancels), in
 * place of the browser's native confirm. `await confirm(...)` answers true or false.
 */
export function useConfirm(): { confirm(question: Question): Promise<boolean>; dialog: ReactNode } {
  const [open, setOpen] = useState<(Question & { answer(yes: boolean): void }) | null>(null);
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  const confirm = useCallback(
    (question: Question) => new Promise<boolean>((resolve) => setOpen({ ...question, answer: resolve })),
    [],
  );

  useEffect(() => {
    const dialog = ref.current;
    if (open && dialog && !dialog.open) dialog.showModal();
  }, [open]);

  const answer = (yes: boolean) => {
    ref.current?.close();
    open?.answer(yes);
    setOpen(null);
  };

  const dialog = open ? (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        event.preventDefault();
        answer(false);
      }}
    >
      <h2 id={titleId}>{open.title}</h2>
      <p id={bodyId}>{open.body}</p>
      <div className="confirm-actions">
        {/* The safe choice has the focus. */}
        {/* biome-ignore lint/a11y/noAutofocus: a modal dialog moves focus into itself */}
        <button type="button" autoFocus onClick={() => answer(false)}>
          {open.cancelLabel}
        </button>
        <button type="button" className="primary danger" onClick={() => answer(true)}>
          {open.confirmLabel}
        </button>
      </div>
    </dialog>
  ) : null;

  return { confirm, dialog };
}
