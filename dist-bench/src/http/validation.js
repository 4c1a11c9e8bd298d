import { ValidationPipe } from '@nestjs/common';
import { ProblemException } from './problem.js';
export function createValidationPipe() {
    return new ValidationPipe({
        whitelist: true,
        forbidNonWhitelisted: true,
        transform: true,
        exceptionFactory: (errors) => {
            const fieldErrors = flattenValidationErrors(errors);
            return new ProblemException({
                status: 422,
                slug: 'validation-failed',
                title: 'Validation failed',
                detail: `${fieldErrors.length} field(s) are invalid: ${fieldErrors.map((e) => e.field).join(', ')}`,
                extensions: { errors: fieldErrors },
            });
        },
    });
}
export function flattenValidationErrors(errors, parent = '') {
    return errors.flatMap((error) => {
        const field = parent ? `${parent}.${error.property}` : error.property;
        const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
        return [...own, ...flattenValidationErrors(error.children ?? [], field)];
    });
}
//# sourceMappingURL=validation.js.map