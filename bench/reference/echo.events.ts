import { QueueEventsHost, QueueEventsListener } from '@nestjs/bullmq';
import { ECHO_QUEUE } from './echo.processor.js';

/** The echo queue's event stream (completed / failed), which a long-polling GET waits on. */
@QueueEventsListener(ECHO_QUEUE)
export class EchoEvents extends QueueEventsHost {}
