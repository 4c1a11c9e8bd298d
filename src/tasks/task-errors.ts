import { PermanentJobError } from '../jobs/errors.js';

/** The task's input cannot be processed (bad encoding, bad manifest): no retry will help. */
export class TaskInputError extends PermanentJobError {
  override readonly name = 'TaskInputError';
}
