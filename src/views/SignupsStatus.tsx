/** The loading/empty/error wrapper every view puts around content built on the signup series. */
import type { ReactNode } from 'react';
import type { QueryResult } from '../app/use-query.ts';
import { Status } from './Status.tsx';

export function SignupsStatus({
  series,
  children,
}: {
  series: QueryResult<unknown[]>;
  children: ReactNode;
}) {
  return (
    <Status
      isLoading={series.isLoading}
      hasData={Boolean(series.data)}
      error={series.error}
      empty={series.data?.length === 0}
      emptyText="No signups match these filters."
    >
      {children}
    </Status>
  );
}
