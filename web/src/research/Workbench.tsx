import { useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../lib/errors';
import { ChartsPanel } from './ChartsPanel';
import { CostPanel } from './CostPanel';
import { DeleteDialog, type DeleteTarget } from './DeleteDialog';
import { ParticipantsPanel } from './ParticipantsPanel';
import { PreviewControls } from './PreviewControls';
import { StudyStats } from './StudyStats';
import { ResearchStudiesDocument } from './study-summary';
import { TranscriptPanel } from './TranscriptPanel';

const fromUrl = () => new URLSearchParams(window.location.search).get('study');

/** The study picker and, for the picked study, everything a researcher watches and does. */
export function Workbench() {
  const { data, loading, error, refetch } = useQuery(ResearchStudiesDocument, { fetchPolicy: 'cache-and-network' });
  const studies = data?.studies ?? [];
  const [picked, setPicked] = useState<string | null>(fromUrl);
  const study = studies.find((s) => s.slug === picked) ?? studies[0];
  const [open, setOpen] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<DeleteTarget | null>(null);
  const [version, setVersion] = useState(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  // Counts, charts and cost follow the participants' changes, at most about once a second.
  const changed = useCallback(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      setVersion((v) => v + 1);
      void refetch();
    }, 1000);
  }, [refetch]);
  useEffect(() => () => void (pending.current && clearTimeout(pending.current)), []);

  function pick(slug: string) {
    setPicked(slug);
    setOpen(null);
    const url = new URL(window.location.href);
    url.searchParams.set('study', slug);
    window.history.replaceState(null, '', url);
  }

  if (loading && !data) return <p className="muted">Loading…</p>;
  if (error && !data)
    return (
      <p className="error" role="alert">
        {errorMessage(error)}
      </p>
    );
  if (!study) return <p className="muted">There are no studies you may see: add a study file to the studies folder.</p>;
  const conditions = study.conditions.map((c) => c.condition);

  return (
    <>
      <div className="research-title">
        <h1>Research workbench</h1>
        <label>
          Study
          <select value={study.slug} onChange={(e) => pick(e.target.value)}>
            {studies.map((s) => (
              <option key={s.slug} value={s.slug}>
                {s.title} ({s.slug})
              </option>
            ))}
          </select>
        </label>
      </div>
      <StudyStats study={study} />
      <section className="research-card" aria-labelledby="preview-title">
        <h2 id="preview-title">Preview</h2>
        <p className="small muted">
          Take the study as a test participant: marked as a preview, left out of the counts, charts and exports.
        </p>
        <PreviewControls key={study.slug} slug={study.slug} conditions={conditions} />
      </section>
      <ParticipantsPanel
        key={study.slug}
        slug={study.slug}
        conditions={conditions}
        onOpen={setOpen}
        onDelete={setDeleting}
        onChange={changed}
      />
      {open && <TranscriptPanel key={open} slug={study.slug} id={open} onClose={() => setOpen(null)} />}
      <ChartsPanel slug={study.slug} version={version} />
      <CostPanel slug={study.slug} version={version} />
      {deleting && (
        <DeleteDialog
          slug={study.slug}
          target={deleting}
          onClose={(deleted) => {
            if (deleted && open === deleting.id) setOpen(null);
            setDeleting(null);
          }}
        />
      )}
    </>
  );
}
