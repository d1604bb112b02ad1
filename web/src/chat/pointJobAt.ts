import type { ApolloCache } from '@apollo/client';
import type { Job } from '../jobs/follow';
import { JobFields as JobFieldsDoc } from '../jobs/operations';

/** My message now points at a new reply job (retried or regenerated): its bubble follows that one. */
export function pointJobAt(cache: ApolloCache, messageId: string, job: Job): void {
  cache.writeFragment({
    id: cache.identify({ __typename: 'ChatJob', id: job.id }),
    fragment: JobFieldsDoc,
    fragmentName: 'JobFields',
    data: { ...job, __typename: 'ChatJob' },
  });
  cache.modify({
    id: cache.identify({ __typename: 'Message', id: messageId }),
    fields: { job: (_previous, { toReference }) => toReference({ __typename: 'ChatJob', id: job.id }) ?? null },
  });
}
