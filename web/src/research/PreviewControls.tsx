import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { graphql } from '../gql';
import { errorMessage } from '../lib/errors';
import { ParticipantStore } from '../study/storage';

const StartPreviewMutation = graphql(`
  mutation StartPreview($slug: String!, $condition: String!) {
    startPreview(slug: $slug, condition: $condition) {
      id
      participantId
      token
    }
  }
`);

/**
 * Starts a preview in the chosen condition and opens it in a new tab: the participant page finds the preview's
 * token where it keeps its own (ParticipantStore) and resumes it.
 */
export function PreviewControls({ slug, conditions }: { slug: string; conditions: string[] }) {
  const [condition, setCondition] = useState(conditions[0] ?? '');
  const [start, { loading }] = useMutation(StartPreviewMutation);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  async function preview() {
    setMessage(null);
    try {
      const { data } = await start({ variables: { slug, condition } });
      const p = data?.startPreview;
      if (!p) throw new Error('The server started no preview.');
      new ParticipantStore(slug, p.participantId).token = p.token;
      const url = `/study/${encodeURIComponent(slug)}?PROLIFIC_PID=${encodeURIComponent(p.participantId)}`;
      window.open(url, '_blank', 'noopener');
      setMessage({ text: `Preview ${p.participantId} opened in a new tab.`, error: false });
    } catch (error) {
      setMessage({ text: errorMessage(error), error: true });
    }
  }

  return (
    <div className="research-actions">
      <label>
        Preview condition
        <select value={condition} onChange={(e) => setCondition(e.target.value)}>
          {conditions.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => void preview()} disabled={loading || !condition}>
        {loading ? 'Starting…' : 'Preview the study'}
      </button>
      {message && (
        <span className={message.error ? 'error' : 'notice'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </span>
      )}
    </div>
  );
}
