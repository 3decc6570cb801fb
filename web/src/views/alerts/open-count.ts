// The number of open alerts. The navigation badge and the Alerts view's Open tab read this one
// query (state open, no other filter), so the two can never differ.
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

export function useOpenAlertCount(): number | undefined {
  const q = useQuery({
    // Under ['alerts'], so every action that refreshes the alert lists refreshes the count too.
    queryKey: ['alerts', 'open-count'],
    queryFn: () => unwrap(api.GET('/api/v1/alerts', { params: { query: { state: 'open', limit: 1 } } })),
    refetchInterval: 15_000,
  });
  return q.data?.total;
}
