import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { ProblemException, problemType, problemTypeForStatus } from './problem.js';
export function toProblem(error, instance) {
    if (error instanceof ProblemException) {
        return { problem: { ...error.problem, instance }, headers: error.headers, unexpected: false };
    }
    if (error instanceof HttpException && isBodyParseError(error.cause)) {
        return { problem: malformedBody(error.cause, instance), headers: {}, unexpected: false };
    }
    if (error instanceof HttpException) {
        const status = error.getStatus();
        return {
            problem: base(status, instance, messageOf(error.getResponse()) ?? error.message),
            headers: {},
            unexpected: status >= 500,
        };
    }
    return {
        problem: base(500, instance, 'An unexpected error occurred. Quote the request id when reporting it.'),
        headers: {},
        unexpected: true,
    };
}
function base(status, instance, detail) {
    return {
        type: problemTypeForStatus(status),
        title: STATUS_CODES[status] ?? 'Error',
        status,
        detail,
        instance,
    };
}
function malformedBody(error, instance) {
    return {
        ...base(400, instance, `The request body is not valid JSON: ${error.message}`),
        type: problemType('malformed-body'),
        title: 'Malformed request body',
    };
}
function isBodyParseError(cause) {
    return (cause instanceof Error && cause.type === 'entity.parse.failed');
}
function messageOf(response) {
    if (typeof response === 'string')
        return response;
    const message = response.message;
    if (Array.isArray(message))
        return message.join('; ');
    return typeof message === 'string' ? message : undefined;
}
//# sourceMappingURL=to-problem.js.map