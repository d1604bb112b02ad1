import { useMutation } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { graphql } from '../gql';
import { errorMessage } from '../lib/errors';

const DeleteParticipationMutation = graphql(`
  mutation DeleteParticipation($slug: String!, $participationId: ID!, $confirm: String) {
    deleteParticipation(slug: $slug, participationId: $participationId, confirmParticipantId: $confirm) {
      id
    }
  }
`);

export interface DeleteTarget {
  id: string;
  participantId: string;
  preview: boolean;
}

/**
 * A modal dialog (the native <dialog>: focus moves in and back, Escape closes) to delete a participation.
 * A real participant's data needs their participant id typed again; the server checks it too.
 */
export function DeleteDialog({
  slug,
  target,
  onClose,
}: {
  slug: string;
  target: DeleteTarget;
  onClose: (deleted: boolean) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [remove, { loading }] = useMutation(DeleteParticipationMutation);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const allowed = target.preview || typed.trim() === target.participantId;

  async function confirm() {
    setProblem(null);
    try {
      await remove({ variables: { slug, participationId: target.id, confirm: target.preview ? null : typed.trim() } });
      onClose(true);
    } catch (error) {
      setProblem(errorMessage(error));
    }
  }

  return (
    <dialog
      ref={dialog}
      className="research-dialog"
      aria-labelledby="delete-title"
      aria-describedby="delete-description"
      onClose={() => onClose(false)}
    >
      <h2 id="delete-title">{target.preview ? 'Delete this preview?' : 'Delete this participant’s data?'}</h2>
      <p id="delete-description">
        {target.preview
          ? `The preview ${target.participantId} and its chat turns will be deleted.`
          : `Everything ${target.participantId} answered and said will be deleted for good. The deletion is logged.`}
      </p>
      {!target.preview && (
        <label>
          Type the participant id to confirm
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        </label>
      )}
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <div className="research-actions">
        <button type="button" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={!allowed || loading} onClick={() => void confirm()}>
          {loading ? 'Deleting…' : 'Delete'}
        </button>
      </div>
    </dialog>
  );
}
