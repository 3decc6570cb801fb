// The review API (issue 22, docs/review.md) as the console calls it: the queue of failed and
// warning runs nobody has reviewed, reviewing one or many, undoing, and a PSA ticket for a run.
import { useQuery } from '@tanstack/react-query';
import { api, type paths, unwrap } from '../../api/client';

type Ok<T> = T extends { responses: { 200: { content: { 'application/json': infer R } } } } ? R : never;
export type ReviewQueue = Ok<paths['/api/v1/reviews/queue']['get']>;
export type QueueClient = ReviewQueue['clients'][number];
export type QueueDevice = QueueClient['devices'][number];
export type ReviewedJob = QueueDevice['jobs'][number];
export type Review = NonNullable<Ok<paths['/api/v1/jobs/{id}']['get']>['review']>;
export type BulkResult = Ok<paths['/api/v1/reviews']['post']>['items'][number];

export interface QueueFilter {
  client?: string;
  since?: string;
}
interface ReviewInput {
  note?: string;
  ticket?: string;
}

export const fetchQueue = (f: QueueFilter) => unwrap(api.GET('/api/v1/reviews/queue', { params: { query: { client: f.client, since: f.since } } }));
export const reviewJob = (id: string, body: ReviewInput) => unwrap(api.POST('/api/v1/jobs/{id}/review', { params: { path: { id } }, body }));
export const reviewJobs = (ids: string[], body: ReviewInput) => unwrap(api.POST('/api/v1/reviews', { body: { job_ids: ids, ...body } }));
export const undoReview = (id: string) => unwrap(api.DELETE('/api/v1/jobs/{id}/review', { params: { path: { id } } }));
export const openTicket = (id: string) => unwrap(api.POST('/api/v1/jobs/{id}/ticket', { params: { path: { id } }, body: {} }));

/** The queue: the Review view with its filters, and (unfiltered) the navigation badge: one cache entry. */
export function useReviewQueue(f: QueueFilter, enabled = true) {
  return useQuery({
    // Under ['reviews'], so a review anywhere refreshes the list and the badge together.
    queryKey: ['reviews', 'queue', f.client ?? null, f.since ?? null],
    queryFn: () => fetchQueue(f),
    refetchInterval: 60_000,
    enabled,
  });
}
