/**
 * Every job the app queues, by type, with its payload: the queue (`Infra.queue`) is typed with this
 * map, so enqueueing a misspelt type or a wrong payload, or handling one, fails to compile. Each
 * feature declares its own jobs beside their handlers; a new feature's jobs are added here.
 */
import type { FeedJobs } from '@/features/feed/jobs'
import type { MediaJobs } from '@/features/media/jobs'
import type { NotificationJobs } from '@/features/notifications/jobs'
import type { CdnJobs } from '@/infra/cdn'
import type { MailJobs } from '@/infra/mail'
import type { Queue } from '@/infra/queue'

export interface Jobs extends FeedJobs, MediaJobs, NotificationJobs, CdnJobs, MailJobs {}

/** The app's one queue (named `main`), typed with every job. */
export type JobQueue = Queue<Jobs>
