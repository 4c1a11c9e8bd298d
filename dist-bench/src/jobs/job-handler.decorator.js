import { SetMetadata } from '@nestjs/common';
export const JOB_HANDLER_METADATA = 'taskyard:job-handler';
export const JobHandler = (type, options = {}) => SetMetadata(JOB_HANDLER_METADATA, { type, options });
//# sourceMappingURL=job-handler.decorator.js.map